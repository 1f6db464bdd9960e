"""Category ids made from names (a .qdc code, a theme's label): lower-case ASCII, unique."""

from __future__ import annotations

import itertools
import re
from unicodedata import normalize

NORWEGIAN = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def slug(name: str) -> str:
    """``Språk og kultur`` -> ``sprak_og_kultur``; accents dropped, anything else becomes ``_``."""
    ascii_name = normalize("NFKD", name.lower().translate(NORWEGIAN)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_") or "kode"


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3`` … the first not in ``taken`` (which it joins)."""
    for candidate in itertools.chain([base], (f"{base}_{n}" for n in itertools.count(2))):
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise AssertionError("unreachable")
