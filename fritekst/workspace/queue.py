"""The Koding page's queue: each answered segment with its respondent, the model's suggestion,
this coder's code and, once they have coded it, the other coders' — filtered and searched.

The queue is built once per store change and filtered in memory: with 10 000 answers a filter
must show its result in well under a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from fritekst.store import MODEL_CODER


@dataclass(frozen=True)
class CodingFilters:
    """Empty values mean "all". ``attributes`` maps an attribute column to the values to keep."""

    roles: tuple[str, ...] = ()
    waves: tuple[str, ...] = ()
    themes: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_confidence: float = 0.0
    max_confidence: float = 1.0
    uncoded_only: bool = False
    search: str = ""


def coding_queue(segments: pd.DataFrame, codings: pd.DataFrame, coder: str,
                 labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``segments`` (store.segments of one question) without non-answers, plus ``my_code``,
    ``my_memo``, ``my_quote`` (this coder's current coding) and ``others`` ("ola: Mangel på boliger;
    per: Tolk og språk", codes by their ``labels`` where given; filled only where this coder has
    coded: each coder codes independently first)."""
    queue = segments[~segments["non_answer"]].copy()
    people = codings[codings["coder"] != MODEL_CODER]
    mine = people[people["coder"] == coder].set_index("segment_id")
    queue["my_code"] = _lookup(queue["segment_id"], mine["code_id"], "")
    queue["my_memo"] = _lookup(queue["segment_id"], mine["memo"].fillna(""), "")
    queue["my_quote"] = _lookup(queue["segment_id"], mine["quote_candidate"].astype(bool), False)
    others = people[people["coder"] != coder]
    summary = (others.sort_values(["segment_id", "coder"])
               .assign(pair=lambda t: t["coder"] + ": " + t["code_id"].map(lambda c: (labels or {}).get(c, c)))
               .groupby("segment_id")["pair"].agg("; ".join))
    queue["others"] = _lookup(queue["segment_id"], summary, "")
    queue.loc[queue["my_code"] == "", "others"] = ""
    if "code_id" not in queue:  # a run without a codebook has no suggestions
        queue["code_id"] = ""
    if "confidence" not in queue:
        queue["confidence"] = 0.0
    queue["confidence"] = pd.to_numeric(queue["confidence"], errors="coerce").fillna(0.0)
    queue["_search"] = queue["text"].fillna("").str.casefold()
    return queue


def _lookup(keys: pd.Series, values: pd.Series, default) -> list:
    table = values.to_dict()
    return [table.get(key, default) for key in keys]


def filter_queue(queue: pd.DataFrame, filters: CodingFilters) -> pd.DataFrame:
    """The rows of ``queue`` that pass every filter; search is case-insensitive and matches parts
    of words ("bolig" finds "Boligmangel")."""
    keep = pd.Series(True, index=queue.index)
    for column, values in (("role", filters.roles), ("wave", filters.waves), ("theme_id", filters.themes)):
        if values:
            keep &= queue[column].isin(values)
    if filters.codes:
        code = queue["my_code"].where(queue["my_code"] != "", queue.get("code_id", ""))
        keep &= code.isin(filters.codes)
    for column, values in filters.attributes.items():
        if values:
            keep &= queue[column].astype(str).isin(values)
    keep &= queue["confidence"].between(filters.min_confidence, filters.max_confidence)
    if filters.uncoded_only:
        keep &= queue["my_code"] == ""
    if filters.search.strip():
        keep &= queue["_search"].str.contains(filters.search.strip().casefold(), regex=False)
    return queue[keep]


def segment_codes(segments: pd.DataFrame, codings: pd.DataFrame,
                  adjudications: pd.DataFrame | None = None) -> pd.Series:
    """Each segment's code as an export has it: the settled one (``store.adjudications``), else the
    latest person's, else the run's suggestion."""
    people = codings[codings["coder"] != MODEL_CODER].sort_values("coding_id")
    latest = people.drop_duplicates("segment_id", keep="last").set_index("segment_id")["code_id"]
    if adjudications is not None and len(adjudications):
        settled = adjudications.drop_duplicates("segment_id", keep="last").set_index("segment_id")["code_id"]
        latest = settled.combine_first(latest)
    suggested = segments["code_id"].fillna("") if "code_id" in segments else pd.Series("", index=segments.index)
    return pd.Series(_lookup(segments["segment_id"], latest, None), index=segments.index).fillna(suggested)


QUICK_CODES = 9


def quick_codes(suggested: str | None, codable: list[str]) -> list[str]:
    """The codes a coder picks by number (Alt+1 … Alt+9) for one answer: the model's ranked
    suggestions (``codes``, ";"-separated) first, then the codebook's order, nine at most."""
    ranked = [c for c in (suggested or "").split(";") if c in codable] if isinstance(suggested, str) else []
    return list(dict.fromkeys([*ranked, *codable]))[:QUICK_CODES]
