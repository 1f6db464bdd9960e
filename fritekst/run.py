"""A batch theme run: survey file in, themes and assignments out, with a manifest.

``run_survey`` computes everything in memory and ``write_run`` writes the three
files into a fresh directory that replaces ``out`` only when complete, so a
failure never leaves half-written output.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fritekst import __version__
from fritekst.clean import NonAnswerDetector, clean_answers
from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.embed.base import DEFAULT_EMBEDDER
from fritekst.errors import InputError
from fritekst.survey import SurveyMapping, load_answers
from fritekst.themes import UNASSIGNED, ThemeConfig, content_text, discover_themes, keyword_tokens

ProgressCallback = Callable[[str, int, int], None]
"""``on_progress(stage, done, total)``: lets the CLI draw progress bars."""

ASSIGNMENT_COLUMNS = ["id", "question", "segment", "text", "non_answer", "theme_id"]
OUTPUT_FILES = ("manifest.json", "themes.csv", "assignments.csv")
THEME_COLUMNS = ["question", "theme_id", "label", "keywords", "n_answers", "representative_ids"]


@dataclass(frozen=True)
class RunConfig:
    mapping: SurveyMapping
    embedder: str = DEFAULT_EMBEDDER
    segment: str = "answer"  # or "sentence"
    themes: ThemeConfig = field(default_factory=ThemeConfig)
    extra_non_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunResult:
    assignments: pd.DataFrame
    themes: pd.DataFrame
    manifest: dict


def run_survey(
    survey: str | Path,
    config: RunConfig,
    cache: EmbeddingCache | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunResult:
    """Load, clean, embed and theme every mapped open question of ``survey``."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(timings.get(stage, 0.0) + now - clock, 3)
        clock = now

    answers = load_answers(survey, config.mapping)
    lap("load")
    detector = NonAnswerDetector(extra_phrases=config.extra_non_answers)
    segments = clean_answers(answers, segment_mode=config.segment, detector=detector)
    # An empty cell (question skipped or not asked) is a non-answer too, but reports
    # count "N besvarte spørsmålet" without it.
    segments["blank"] = segments["answer_text"].fillna("").str.strip().eq("")
    lap("clean")

    embedder = get_embedder(config.embedder)
    segments["theme_id"] = UNASSIGNED
    segments["outlier"] = False
    theme_rows = []
    embed_stats = {"unique_texts": 0, "from_cache": 0, "embedded": 0}
    for question, group in segments.groupby("question", sort=False):
        rows = group.index[~group["non_answer"]]
        texts = segments.loc[rows, "text"].tolist()
        tokens = keyword_tokens(texts)
        lap("keywords")
        to_embed = texts + (content_text(tokens, texts) if config.themes.content_view else [])
        progress = (lambda done, total, q=question: on_progress(f"embed {q}", done, total)) if on_progress else None
        embedded = embed_with_cache(embedder, to_embed, cache, progress)
        for key, value in (("unique_texts", embedded.n_unique), ("from_cache", embedded.n_from_cache), ("embedded", embedded.n_embedded)):
            embed_stats[key] += value
        lap("embed")
        vectors = embedded.vectors[: len(texts)]
        content_vectors = embedded.vectors[len(texts) :] if config.themes.content_view else None
        if on_progress:
            on_progress(f"themes {question}", 0, 1)
        result = discover_themes(vectors, tokens, texts, config.themes, content_vectors)
        segments.loc[rows, "theme_id"] = result.labels
        segments.loc[rows, "outlier"] = result.outliers
        for theme in result.themes:
            member_ids = segments.loc[rows[result.labels == theme.theme_id], "id"]
            theme_rows.append(
                {
                    "question": question,
                    "theme_id": theme.theme_id,
                    "label": theme.label,
                    "keywords": ", ".join(theme.keywords),
                    "n_answers": int(member_ids.nunique()),
                    "representative_ids": ";".join(str(segments.at[rows[i], "id"]) for i in theme.representatives),
                    "n_segments": theme.size,
                }
            )
        if on_progress:
            on_progress(f"themes {question}", 1, 1)
        lap("themes")

    assignments = _assignment_table(segments)
    themes = pd.DataFrame(theme_rows, columns=THEME_COLUMNS + ["n_segments"])
    manifest = _manifest(survey, config, embedder.name, timings, segments, embed_stats)
    return RunResult(assignments, themes, manifest)


def _assignment_table(segments: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in segments.columns if c not in ASSIGNMENT_COLUMNS and c not in ("answer_text",)]
    table = segments[ASSIGNMENT_COLUMNS + extra].copy()
    table["theme_id"] = table["theme_id"].astype(int)
    return table.reset_index(drop=True)


def _manifest(survey, config: RunConfig, embedder_name: str, timings, segments: pd.DataFrame, embed_stats) -> dict:
    answered = segments[~segments["non_answer"]]
    answers = segments.groupby(["id", "question"], sort=False)[["non_answer", "blank"]].all()
    return {
        "fritekst_version": __version__,
        "python": platform.python_version(),
        "input": {"path": str(survey), "sha256": file_sha256(survey)},
        "config": _jsonable(asdict(config)),
        "seed": config.themes.random_state,
        "embedder": embedder_name,
        "counts": {
            "answers": int(len(answers)),
            "blank_answers": int(answers["blank"].sum()),
            "non_answers": int(answers["non_answer"].sum() - answers["blank"].sum()),
            "segments": int(len(segments)),
            "unassigned_segments": int((answered["theme_id"] == UNASSIGNED).sum()),
            "outlier_segments": int(answered["outlier"].sum()),
            "questions": sorted(segments["question"].unique().tolist()),
        },
        "embedding": embed_stats,
        "timings_s": timings,
    }


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_output_dir(out: str | Path) -> None:
    """Refuse an output directory that holds anything but an earlier run's files."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("the output path is a file; give a directory", file=str(out))
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in OUTPUT_FILES)
        if foreign:
            raise InputError(
                f"the output directory holds other files ({', '.join(foreign[:3])}); choose a new or empty directory",
                file=str(out),
            )


def write_run(result: RunResult, out: str | Path) -> Path:
    """Write manifest.json, themes.csv and assignments.csv; replace ``out`` only when all are written."""
    out = Path(out)
    check_output_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        result.assignments.to_csv(staging / "assignments.csv", index=False, encoding="utf-8", lineterminator="\n")
        result.themes.to_csv(staging / "themes.csv", index=False, encoding="utf-8", lineterminator="\n")
        (staging / "manifest.json").write_text(
            json.dumps(result.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return out
