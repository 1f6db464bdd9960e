"""Read a finished run back, from its directory or a project store, and ask it what the viewers and reports need."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fritekst.counts import answer_counts
from fritekst.run_table import RunResult, read_run


def load_run(target: str | Path) -> RunResult:
    """The run a run directory holds (:func:`fritekst.run_table.read_run`), or a project store's
    survey (a ``fritekst.db``, a folder holding one, or a URL): each wave from the latest run that
    holds it, each answer's settled code, else its latest code by a person, in place of the
    model's (and that person's quote-candidate flag, which :mod:`fritekst.quotes` favours), every
    code read under the codebook's current version (:meth:`fritekst.store.Store.survey_result`)."""
    from fritekst.store import is_store_target, open_store

    if not (Path(target) / "manifest.json").is_file() and is_store_target(target):
        with open_store(str(target), read_only=True) as store:
            return store.survey_result()
    return read_run(target)


def questions(run: RunResult) -> list[str]:
    """Every question of the run, in file order, also those where nobody answered."""
    return list(dict.fromkeys(run.assignments["question"]))


def question_text(run: RunResult, question: str) -> str:
    """The full question as the survey asked it ('' when the export had only the column name)."""
    rows = run.assignments.loc[run.assignments["question"] == question]
    text = rows["question_text"].iloc[0] if "question_text" in rows and len(rows) else ""
    return "" if text == question else text


def question_summary(run: RunResult, question: str) -> dict[str, int]:
    """Answered, non-answers and blank cells (per respondent) and themes for one question."""
    rows = run.assignments[run.assignments["question"] == question]
    return {**answer_counts(rows), "themes": int((run.themes["question"] == question).sum())}


def theme_members(run: RunResult, question: str, theme_id: int) -> pd.DataFrame:
    """The segments of one theme, its representative answers first (flag ``representative``)."""
    rows = run.assignments[(run.assignments["question"] == question) & (run.assignments["theme_id"] == theme_id)]
    theme = run.themes[(run.themes["question"] == question) & (run.themes["theme_id"] == theme_id)]
    representatives = theme["representative_ids"].iloc[0].split(";") if len(theme) else []
    rank = {answer_id: i for i, answer_id in enumerate(representatives)}
    # One representative segment per respondent: the first of theirs in the theme.
    first = ~rows["id"].duplicated()
    order = [rank.get(answer_id, len(rank)) if is_first else len(rank) for answer_id, is_first in zip(rows["id"], first)]
    order = pd.Series(order, index=rows.index)
    return rows.assign(representative=order < len(rank)).iloc[order.argsort(kind="stable")]


def filter_members(members: pd.DataFrame, role: str | None = None, query: str = "") -> pd.DataFrame:
    """Members of one role (None: all) whose text contains ``query`` (case-insensitive)."""
    if role is not None:
        members = members[members["role"] == role]
    if query:
        members = members[members["text"].str.contains(query, case=False, regex=False)]
    return members


def attribute_columns(run: RunResult) -> list[str]:
    """The respondent attribute columns the run was mapped with (kommune, size band, region …)."""
    return mapped_attributes(run.manifest, run.assignments.columns)


MAX_GROUPS = 8
"""More values than this (kommune, kommunenr) name respondents rather than sort them into groups."""


def group_attributes(segments: pd.DataFrame, attributes) -> list[str]:
    """The attributes that sort respondents into a few groups (size band, centrality, region),
    not those that all but name each one (kommune, kommunenr)."""
    return [a for a in attributes if a in segments and segments[a].replace("", pd.NA).nunique() <= MAX_GROUPS]


def mapped_attributes(manifest: dict, columns) -> list[str]:
    """The attribute columns a run's ``manifest`` names that a table with ``columns`` has."""
    attrs = manifest.get("config", {}).get("mapping", {}).get("attrs") or []
    return [column for column in attrs if column in columns]


def roles(members: pd.DataFrame) -> list[str]:
    return sorted(r for r in members["role"].unique() if r) if "role" in members else []
