"""The Koding page's queue: each answered segment with its respondent, the model's suggestion,
this coder's code and, once they have coded it, the other coders' — filtered and searched.

The queue is built in two parts and filtered in memory: what depends on the run
(:func:`answer_queue`) once per run, the coders' codes (:func:`with_codings`) on each save. With
10 000 answers a filter must show its result in well under a second, and a save and the next
answer in under a third of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fritekst.codebook import Codebook
from fritekst.coding import NEEDS_CODER, codes_today, has_history, learning_order
from fritekst.store import MODEL_CODER


@dataclass(frozen=True)
class CodingFilters:
    """Empty values mean "all". ``attributes`` maps an attribute column to the values to keep."""

    roles: tuple[str, ...] = ()
    waves: tuple[str, ...] = ()
    themes: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # written standards (nb, nn, en, other, mixed; fritekst.language)
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_confidence: float = 0.0
    max_confidence: float = 1.0
    uncoded_only: bool = False
    needs_coder_only: bool = False
    search: str = ""


def coding_queue(segments: pd.DataFrame, codings: pd.DataFrame, coder: str,
                 labels: Mapping[str, str] | None = None, codebook: Codebook | None = None) -> pd.DataFrame:
    """``segments`` (store.segments of one question) without non-answers, plus ``my_code``,
    ``my_memo``, ``my_quote`` (this coder's current coding) and ``others`` ("ola: Mangel på boliger;
    per: Tolk og språk", codes by their ``labels`` where given; filled only where this coder has
    coded: each coder codes independently first). The model's codings in ``codings`` are not
    used: its suggestions are the segments' ``code_id`` and ``confidence``. Codes are read under
    ``codebook`` as :func:`with_codings` says."""
    return with_codings(answer_queue(segments), codings, coder, labels, codebook)


def answer_queue(segments: pd.DataFrame) -> pd.DataFrame:
    """The part of :func:`coding_queue` that depends on the run alone: the answered segments, the
    suggestion's confidence as a number and the text the search looks in. It changes when the run
    does, not with each coding, so the app keeps it while a coder saves."""
    queue = segments[~segments["non_answer"]].copy()
    if "code_id" not in queue:  # a run without a codebook has no suggestions
        queue["code_id"] = ""
    if "confidence" not in queue:
        queue["confidence"] = 0.0
    queue["confidence"] = pd.to_numeric(queue["confidence"], errors="coerce").fillna(0.0)
    queue["_search"] = queue["text"].fillna("").str.casefold()
    return queue


def with_codings(queue: pd.DataFrame, codings: pd.DataFrame, coder: str,
                 labels: Mapping[str, str] | None = None, codebook: Codebook | None = None) -> pd.DataFrame:
    """:func:`answer_queue` with this coder's and the other coders' codes added (columns as in
    :func:`coding_queue`); ``codings`` need hold only people's current codings.

    With ``codebook`` (the current version) every code is read under it (:func:`codes_today`): a
    merged category's code shows as the category it went into, and an answer whose code's
    category was split or retired is flagged ``needs_coder`` (by the latest person's code where
    someone coded it, else by the model's suggestion, as an export counts it) and counts as not
    coded by its coder."""
    people = codings[codings["coder"] != MODEL_CODER]
    coded = queue.drop(columns="_search")  # copy-on-write: the run's part is not copied, nor changed
    if has_history(codebook):
        people, _ = codes_today(people, codebook)
        suggested, _ = codes_today(coded[[c for c in ("code_id", "codes") if c in coded]], codebook)
        coded[suggested.columns.drop(NEEDS_CODER)] = suggested.drop(columns=NEEDS_CODER)
        # As an export counts it: the latest person's code where someone coded, else the model's.
        latest = people.drop_duplicates("segment_id", keep="last").set_index("segment_id")[NEEDS_CODER]
        coded[NEEDS_CODER] = np.where(queue["segment_id"].isin(latest.index),
                                      _lookup(queue["segment_id"], latest, False), suggested[NEEDS_CODER])
    else:
        coded[NEEDS_CODER] = False
    mine = people[people["coder"] == coder].set_index("segment_id")
    keys = queue["segment_id"]
    my_code = _lookup(keys, mine["code_id"], "")
    summary = _others(people[(people["coder"] != coder) & (people["code_id"] != "")], labels or {})
    coded["my_code"] = my_code
    coded["my_memo"] = _lookup(keys, mine["memo"].fillna(""), "")
    coded["my_quote"] = _lookup(keys, mine["quote_candidate"].astype(bool), False)
    coded["others"] = [summary.get(key, "") if code else "" for key, code in zip(keys.tolist(), my_code)]
    coded["_search"] = queue["_search"]
    return coded


def _others(others: pd.DataFrame, labels: Mapping[str, str]) -> dict[int, str]:
    """``{segment_id: "ola: Mangel på boliger; per: Tolk og språk"}``, coders in name order; a
    plain loop, since a pandas group-by per segment took 0.2 s once 10 000 answers were coded."""
    ordered = others.sort_values(["segment_id", "coder"])
    summary: dict[int, list[str]] = {}
    for segment, who, code in zip(*(ordered[c].tolist() for c in ("segment_id", "coder", "code_id"))):
        summary.setdefault(segment, []).append(f"{who}: {labels.get(code, code)}")
    return {segment: "; ".join(pairs) for segment, pairs in summary.items()}


def _lookup(keys: pd.Series, values: pd.Series, default) -> list:
    """``values[key]`` for each key (the last one where the index repeats), else ``default``; by
    index positions, since walking pandas' Arrow-backed strings one by one is slow at 10 000."""
    values = values[~values.index.duplicated(keep="last")]
    at = values.index.get_indexer(keys)
    taken = values.to_numpy(dtype=object)[at] if len(values) else np.full(len(at), default, dtype=object)
    taken[at < 0] = default
    return taken.tolist()


QUEUE_ORDERS = ("survey", "learn_fastest")
"""How the Koding page orders its answers: as the survey has them, or "Lær modellen raskest"."""


def learning_queue(queue: pd.DataFrame, vectors: np.ndarray) -> pd.DataFrame:
    """``queue`` with the answers the model learns most from first (:func:`fritekst.coding.learning_order`:
    unsure and representative; ``vectors`` are the rows' embeddings). Coded answers keep their
    place, so the order stays put while a coder saves: it moves when the suggestions are made again."""
    return queue.iloc[learning_order(queue["confidence"].to_numpy(), vectors)]


def filter_queue(queue: pd.DataFrame, filters: CodingFilters) -> pd.DataFrame:
    """The rows of ``queue`` that pass every filter; search is case-insensitive and matches parts
    of words ("bolig" finds "Boligmangel")."""
    keep = pd.Series(True, index=queue.index)
    for column, values in (("role", filters.roles), ("wave", filters.waves), ("theme_id", filters.themes),
                           ("language", filters.languages)):
        if values:  # a run made before answers' standards were recorded has no language: none kept
            keep &= queue[column].isin(values) if column in queue else False
    if filters.codes:
        code = queue["my_code"].where(queue["my_code"] != "", queue.get("code_id", ""))
        keep &= code.isin(filters.codes)
    for column, values in filters.attributes.items():
        if values:
            keep &= queue[column].astype(str).isin(values)
    keep &= queue["confidence"].between(filters.min_confidence, filters.max_confidence)
    if filters.uncoded_only:
        keep &= queue["my_code"] == ""
    if filters.needs_coder_only:
        keep &= queue[NEEDS_CODER]
    if filters.search.strip():
        keep &= queue["_search"].str.contains(filters.search.strip().casefold(), regex=False)
    return queue.copy(deep=False) if keep.all() else queue[keep]  # no row copied when none is left out


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
