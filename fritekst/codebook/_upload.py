"""A codebook from an uploaded file: the bytes and the name the browser gave, nothing on disk."""

from __future__ import annotations

from pathlib import Path

from fritekst.codebook._model import Codebook
from fritekst.codebook._qdc import parse_qdc
from fritekst.codebook._yaml import decode_yaml, parse_codebook
from fritekst.errors import InputError

MAX_CODEBOOK_BYTES = 2 * 1024 * 1024
"""The largest codebook file read from an upload. The IMDi codebook with 25 categories is 9 KB,
so 2 MB holds a few hundred richly described categories; every version is stored whole, and
anything larger is a mistake or an attack, not a codebook."""

_SUFFIXES = (".yaml", ".yml", ".qdc")


def read_codebook_bytes(data: bytes, name: str) -> Codebook:
    """The codebook in ``data``, read as YAML or REFI-QDA .qdc by the extension of ``name``.

    Every problem, a wrong file type, a file over :data:`MAX_CODEBOOK_BYTES`, text that is not
    UTF-8 and all that :func:`parse_codebook` and :func:`parse_qdc` refuse, is an
    :class:`InputError` naming the file (and the line), so an upload form can show it as it is.

    >>> read_codebook_bytes(b"name: Test\\ncategories: [{id: bolig, label: Bolig}]", "kb.yaml").ids
    ['bolig', 'ikke_svar', 'annet', 'uklart']
    """
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(f"not a codebook file ({suffix or 'no extension'}); give a .yaml, .yml or .qdc file",
                         file=name)
    if len(data) > MAX_CODEBOOK_BYTES:
        raise InputError(f"the file has {len(data) / 2**20:.1f} MB, over the limit of {MAX_CODEBOOK_BYTES // 2**20} MB "
                         "for a codebook; is it the right file?", file=name)
    if suffix == ".qdc":
        return parse_qdc(data, name)
    return parse_codebook(decode_yaml(data, name), name)
