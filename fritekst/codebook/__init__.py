"""The codebook: the analyst's categories, with stable ids, read from and written to YAML and REFI-QDA (.qdc).

>>> codebook = load_codebook("codebooks/imdi_kommuneundersokelsen.yaml")  # doctest: +SKIP
>>> codebook.category("bolig").label  # doctest: +SKIP
'Mangel på boliger'
"""

from fritekst.codebook._model import NON_ANSWER_CODE, SPECIAL_CATEGORIES, Category, Change, Codebook, CodeSet, Rename
from fritekst.codebook._qdc import dump_qdc, load_qdc, parse_qdc, save_qdc
from fritekst.codebook._upload import MAX_CODEBOOK_BYTES, read_codebook_bytes
from fritekst.codebook._yaml import dump_codebook, load_codebook, parse_codebook, save_codebook
from fritekst.codebook._versions import (
    CodebookDiff,
    diff_codebooks,
    harmonise,
    merge_category,
    new_version,
    render_diff,
    split_category,
    with_category,
)

__all__ = [
    "MAX_CODEBOOK_BYTES",
    "NON_ANSWER_CODE",
    "SPECIAL_CATEGORIES",
    "Category",
    "Change",
    "CodeSet",
    "Codebook",
    "CodebookDiff",
    "Rename",
    "diff_codebooks",
    "dump_codebook",
    "dump_qdc",
    "harmonise",
    "load_codebook",
    "load_qdc",
    "merge_category",
    "new_version",
    "parse_codebook",
    "parse_qdc",
    "read_codebook_bytes",
    "render_diff",
    "save_codebook",
    "save_qdc",
    "split_category",
    "with_category",
]
