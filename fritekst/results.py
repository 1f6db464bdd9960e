"""Read a finished run back from its directory (the output contract of ``fritekst run``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from fritekst.codebook import load_codebook
from fritekst.counts import answer_counts
from fritekst.errors import InputError
from fritekst.run import ASSIGNMENT_COLUMNS, REQUIRED_OUTPUT_FILES, THEME_COLUMNS, RunResult
from fritekst.spreadsheet import restored_table


def load_run(directory: str | Path) -> RunResult:
    """The manifest, themes and assignments of a run directory, every cell read as text; or of a
    project store's latest run (a ``fritekst.db``, a folder holding one, or a URL), with each
    answer's latest code by a person in place of the model's (and that person's quote-candidate
    flag, which :mod:`fritekst.quotes` favours), read back through the same files."""
    from fritekst.store import is_store_target

    if not (Path(directory) / "manifest.json").is_file() and is_store_target(directory):
        return _load_stored_run(str(directory))
    directory = Path(directory)
    missing = [name for name in REQUIRED_OUTPUT_FILES if not (directory / name).is_file()]
    if missing:
        raise InputError(
            f"not a fritekst run directory (missing {', '.join(missing)}); make one with `fritekst run`",
            file=str(directory),
        )
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"manifest.json is damaged ({error}); run `fritekst run` again", file=str(directory)) from None
    themes = _read_table(directory / "themes.csv", THEME_COLUMNS)
    assignments = _read_table(directory / "assignments.csv", ASSIGNMENT_COLUMNS)
    for name, table in (("themes.csv", themes), ("assignments.csv", assignments)):
        numbers = pd.to_numeric(table["theme_id"], errors="coerce")
        if numbers.isna().any():
            row = int(numbers.isna().to_numpy().argmax()) + 2  # header is row 1
            raise InputError("theme_id is not a number", file=str(directory / name), row=row, column="theme_id")
        table["theme_id"] = numbers.astype(int)
    for column in ("n_answers", "n_segments"):
        if column in themes:
            themes[column] = pd.to_numeric(themes[column], errors="coerce").fillna(0).astype(int)
    for flag in ("non_answer", "blank", "outlier", "quote_candidate"):
        if flag in assignments:
            assignments[flag] = assignments[flag].eq("True")
    if "blank" not in assignments:
        assignments["blank"] = assignments["text"].eq("")
    if "confidence" in assignments:
        assignments["confidence"] = pd.to_numeric(assignments["confidence"], errors="coerce").fillna(0.0)
    codebook = load_codebook(directory / "codebook.yaml") if (directory / "codebook.yaml").is_file() else None
    return RunResult(assignments, themes, manifest, codebook)


def _read_table(path: Path, required: list[str]) -> pd.DataFrame:
    """A table of the run as text, as it was before formula-like cells were neutralised."""
    try:
        table = restored_table(pd.read_csv(path, dtype=str, keep_default_na=False))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read it ({error})", file=str(path)) from None
    absent = [column for column in required if column not in table.columns]
    if absent:
        raise InputError(f"column(s) {', '.join(absent)} missing; the file is not fritekst output", file=str(path))
    return table


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


def _load_stored_run(target: str) -> RunResult:
    import tempfile

    from fritekst.store import open_store

    with tempfile.TemporaryDirectory() as folder, open_store(target, read_only=True) as store:
        return load_run(store.export_run(Path(folder) / "run"))
