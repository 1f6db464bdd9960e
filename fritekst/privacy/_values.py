"""Respondent attributes and roles as they may be printed: the same screen as the answers, value by value.

A role or an attribute value is printed as a table heading ("Kari Nordmann (N = 1)"), in the
sentence on who answered and beside every quote, so an e-mail address or a name typed into such a
column leaves the building as surely as one in an answer. Values are masked where they hold
personal data; a column where most values do (a column of e-mail addresses or of respondents'
names) is no group at all, and is refused: not split by, not shown beside quotes.

Places are left to the rule that already governs them (decision 006): a column with at most eight
values is a group (region, size band) and may be printed; the many-valued ones (kommune) are kept
from quotes when places are masked. Masking "Trøndelag" in a region split would empty the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import pandas as pd

from fritekst.privacy._screen import Masked, Screen

IDENTIFYING_SHARE = 0.5
"""A column where more than this share of the distinct values hold personal data identifies respondents."""


def mask_values(screen: Screen, values: Iterable[object]) -> dict[str, Masked]:
    """Each distinct non-empty value, as text, screened (places apart: see the module's docstring).

    Masks are kept on the screen (``screen.value_masks``), so a report that prints the same
    values in every table and beside every quote screens each one once, and their findings in
    the embedding cache the process was given (:func:`fritekst.nlp.embedding_cache`), so the next
    report does not run the entity recogniser over them again: ``fritekst forget`` removes a
    respondent's values from it with their answers."""
    from fritekst.nlp import embedding_cache

    values = {str(v) for v in values if not pd.isna(v) and str(v).strip()}
    masks = screen.value_masks
    todo = sorted(values - masks.keys())
    if todo:
        masks.update(zip(todo, screen.for_values.mask(todo, cache=embedding_cache())))
    return {value: masks[value] for value in values}


def identifying_columns(table: pd.DataFrame, columns: Sequence[str], screen: Screen) -> dict[str, str]:
    """Column -> what it holds ("e-post", "navn"), for the ``columns`` of ``table`` where more than
    :data:`IDENTIFYING_SHARE` of the distinct non-empty values hold personal data."""
    found = {}
    for column in columns:
        if column not in table:
            continue
        masked = mask_values(screen, table[column])
        hits = [m for m in masked.values() if m]
        if masked and len(hits) > IDENTIFYING_SHARE * len(masked):
            kinds = Counter(kind for m in hits for kind in dict.fromkeys(m.kinds))
            found[column] = ", ".join(kind for kind, _ in kinds.most_common())
    return found


def screen_columns(table: pd.DataFrame, columns: Sequence[str], screen: Screen) -> tuple[pd.DataFrame, dict[str, str]]:
    """``table`` with the values of ``columns`` as they may be printed, and the columns refused.

    Returns ``(table, refused)``: values holding personal data are masked ("Kontakt [navn]");
    a column mostly of identifiers (see :func:`identifying_columns`) is emptied and named in
    ``refused`` with what it holds, so that nothing downstream can print it or split by it.
    Two values that mask alike become one group: what set them apart was the personal data.
    """
    columns = [c for c in columns if c in table]
    refused = identifying_columns(table, columns, screen)
    changed = {}
    for column in columns:
        if column in refused:
            changed[column] = table[column].where(table[column].isna(), "")
            continue
        masked = mask_values(screen, table[column])
        shown = {value: m.text for value, m in masked.items() if m}
        if shown:
            changed[column] = table[column].map(lambda v: v if pd.isna(v) else shown.get(str(v), v))
    return (table.assign(**changed) if changed else table), refused
