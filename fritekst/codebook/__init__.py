"""The codebook: the analyst's categories, with stable ids, read from and written to YAML.

>>> codebook = load_codebook("codebooks/imdi_kommuneundersokelsen.yaml")  # doctest: +SKIP
>>> codebook.category("bolig").label  # doctest: +SKIP
'Mangel på boliger'
"""

from fritekst.codebook._model import SPECIAL_CATEGORIES, Category, Codebook
from fritekst.codebook._yaml import dump_codebook, load_codebook, parse_codebook, save_codebook

__all__ = [
    "SPECIAL_CATEGORIES",
    "Category",
    "Codebook",
    "dump_codebook",
    "load_codebook",
    "parse_codebook",
    "save_codebook",
]
