"""Read a finished run back from its directory (the output contract of ``fritekst run``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from fritekst.errors import InputError
from fritekst.run import OUTPUT_FILES, RunResult


def load_run(directory: str | Path) -> RunResult:
    """The manifest, themes and assignments of a run directory, ids kept as text."""
    directory = Path(directory)
    missing = [name for name in OUTPUT_FILES if not (directory / name).is_file()]
    if missing:
        raise InputError(
            f"not a fritekst run directory (missing {', '.join(missing)}); make one with `fritekst run`",
            file=str(directory),
        )
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    themes = pd.read_csv(directory / "themes.csv", dtype={"representative_ids": str}, keep_default_na=False)
    assignments = pd.read_csv(directory / "assignments.csv", dtype=str, keep_default_na=False)
    assignments["theme_id"] = assignments["theme_id"].astype(int)
    for flag in ("non_answer", "blank", "outlier"):
        if flag in assignments:
            assignments[flag] = assignments[flag].eq("True")
    return RunResult(assignments, themes, manifest)


def theme_members(run: RunResult, question: str, theme_id: int) -> pd.DataFrame:
    """The segments of one theme, representative answers first."""
    rows = run.assignments[(run.assignments["question"] == question) & (run.assignments["theme_id"] == theme_id)]
    theme = run.themes[(run.themes["question"] == question) & (run.themes["theme_id"] == theme_id)]
    representatives = theme["representative_ids"].iloc[0].split(";") if len(theme) else []
    rank = {answer_id: i for i, answer_id in enumerate(representatives)}
    order = rows["id"].map(lambda answer_id: rank.get(answer_id, len(rank)))
    return rows.assign(representative=order < len(rank)).iloc[order.argsort(kind="stable")]


def question_summary(run: RunResult, question: str) -> dict[str, int]:
    """Answered, non-answers and blank cells for one question, counted per respondent."""
    rows = run.assignments[run.assignments["question"] == question]
    answers = rows.groupby("id", sort=False)[["non_answer", "blank"]].all()
    return {
        "answered": int((~answers["non_answer"]).sum()),
        "non_answers": int((answers["non_answer"] & ~answers["blank"]).sum()),
        "blank": int(answers["blank"].sum()),
        "themes": int((run.themes["question"] == question).sum()),
    }
