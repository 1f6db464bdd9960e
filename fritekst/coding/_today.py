"""Code columns read under today's codebook, whatever version each code was made under.

A report, an export, the app and agreement all count by category. A code made under an earlier
version is counted where that category's answers went: a merge is followed (a -> b -> c). A code
under a category that was split, or retired without successor, has no place today; counting it
under the retired id would put answers in a category the report no longer has, so it is taken
out of the code columns and the answer is flagged ``needs_coder`` for a coder to decide.
"""

from __future__ import annotations

import pandas as pd

from fritekst.codebook import Codebook, harmonise

NEEDS_CODER = "needs_coder"
"""Flag column: the answer had a code whose category is split or retired without successor."""


def codes_today(table: pd.DataFrame, codebook: Codebook | None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """``table`` with ``code_id`` and ``codes`` mapped to ``codebook``'s current ids and a
    ``needs_coder`` column; also the retired ids that could not be mapped, sorted.

    Works on any table with a ``code_id`` column (``codes``, ``;``-separated, when present):
    a run's assignments, the store's codings. A primary code that cannot be mapped gives way
    to the answer's next mappable code; with none left the answer is not coded ("").
    Without a codebook (or codes) the table comes back with ``needs_coder`` all False.
    """
    if codebook is None or "code_id" not in table:
        return table.assign(**{NEEDS_CODER: False}), ()
    has_codes = "codes" in table
    lists = [
        (codes.split(";") if has_codes and codes else [code] if code else [])
        for code, codes in zip(table["code_id"], table["codes"] if has_codes else table["code_id"])
    ]
    flat, unmapped = harmonise([code for codes in lists for code in codes], codebook)
    lost = set(unmapped)
    mapped, needs, position = [], [], 0
    for codes in lists:
        current = flat[position:position + len(codes)]
        position += len(codes)
        kept = list(dict.fromkeys(code for code in current if code not in lost))
        mapped.append(kept)
        needs.append(any(code in lost for code in current))
    if NEEDS_CODER in table:  # read once already (a store's run): what was flagged stays flagged
        needs = [bool(before) or now for before, now in zip(table[NEEDS_CODER], needs)]
    columns = {"code_id": [codes[0] if codes else "" for codes in mapped], NEEDS_CODER: needs}
    if has_codes:
        columns["codes"] = [";".join(codes) for codes in mapped]
    return table.assign(**columns), tuple(unmapped)


def codings_today(codings: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """The store's codings (``code_id`` and ``extra_codes``) read under ``codebook``, as
    :func:`codes_today` maps them; a coding left with no code (its category split or retired) is
    dropped: it says nothing about today's categories, and agreement must not count it as one."""
    if not has_history(codebook) or codings.empty:
        return codings
    extras = codings["extra_codes"].fillna("") if "extra_codes" in codings else pd.Series("", index=codings.index)
    joined = [";".join([code, *extra.split(";")]) if extra else code for code, extra in zip(codings["code_id"], extras)]
    mapped, _ = codes_today(codings.assign(codes=joined), codebook)
    mapped["extra_codes"] = [";".join(codes.split(";")[1:]) or None for codes in mapped["codes"]]
    lost = mapped[NEEDS_CODER] & (mapped["code_id"] == "")
    return mapped.loc[~lost].drop(columns=["codes", NEEDS_CODER])


def has_history(codebook: Codebook | None) -> bool:
    """Whether any category has left the codebook: only then can a code need mapping."""
    return codebook is not None and any(category.retired is not None for category in codebook.categories)
