"""Turn command-line flags and an optional mapping file into one :class:`RunConfig`.

Flags win over the file, so a shared mapping file can be reused with one
column swapped on the command line.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fritekst.clean import SEGMENT_MODES
from fritekst.coding import DEFAULT_PRECISION
from fritekst.embed import get_embedder
from fritekst.embed.base import DEFAULT_EMBEDDER
from fritekst.errors import InputError
from fritekst.run import RunConfig
from fritekst.survey import SurveyMapping, load_mapping
from fritekst.themes import ThemeConfig

MAX_SEED = 2**32 - 1  # what UMAP, k-means and numpy accept


def build_run_config(
    *,
    config_file: Path | None = None,
    text: list[str] | None = None,
    id: str | None = None,
    role: str | None = None,
    attrs: list[str] | None = None,
    wave: str | None = None,
    sheet: str | None = None,
    embedder: str = DEFAULT_EMBEDDER,
    seed: int = 0,
    segment: str = "answer",
    min_themes: int | None = None,
    max_themes: int | None = None,
    keep_outliers: bool = False,
    non_answers: list[str] | None = None,
    codebook: Path | None = None,
    coded: Path | None = None,
    code_precision: float | None = None,
    code_threshold: float | None = None,
    max_rows: int | None = None,
    header_rows: int | None = None,
) -> RunConfig:
    mapping = load_mapping(config_file) if config_file else None
    if mapping is None and not text:
        raise InputError("name the open-answer column(s) with --text COLUMN (or 'text:' in --config)", column="--text")
    overrides = {
        key: value
        for key, value in {"text": tuple(text or ()), "id": id, "role": role, "attrs": tuple(attrs or ()), "wave": wave,
                           "sheet": sheet, "max_rows": max_rows, "header_rows": header_rows}.items()
        if value
    }
    if max_rows is not None and max_rows < 1:
        raise InputError("--max-rows must be at least 1", column="--max-rows")
    if header_rows is not None and header_rows < 1:
        raise InputError("--header-rows must be at least 1", column="--header-rows")
    mapping = replace(mapping, **overrides) if mapping else SurveyMapping(**overrides)
    if segment not in SEGMENT_MODES:
        raise InputError(f"--segment must be one of {', '.join(SEGMENT_MODES)}, not {segment!r}", column="--segment")
    for flag, value in (("--min-themes", min_themes), ("--max-themes", max_themes)):
        if value is not None and value < 1:
            raise InputError(f"{flag} must be at least 1", column=flag)
    if min_themes and max_themes and min_themes > max_themes:
        raise InputError("--min-themes is larger than --max-themes", column="--min-themes")
    if not 0 <= seed <= MAX_SEED:
        raise InputError(f"--seed must be between 0 and {MAX_SEED}", column="--seed")
    if coded and not codebook:
        raise InputError("--coded needs --codebook: codes are checked against it", column="--coded")
    if code_precision is not None and not 0 < code_precision < 1:
        raise InputError("--code-precision must be above 0 and below 1 (e.g. 0.9: nine codes in ten right)",
                         column="--code-precision")
    if code_threshold is not None and not 0 < code_threshold <= 1:
        raise InputError("--code-threshold must be above 0 and at most 1", column="--code-threshold")
    if code_threshold is not None and code_precision is not None:
        raise InputError("give --code-precision or the deprecated --code-threshold, not both", column="--code-threshold")
    get_embedder(embedder)  # fail on an unknown name before reading the survey
    themes = ThemeConfig(
        min_themes=min_themes, max_themes=max_themes, reassign_outliers=not keep_outliers, random_state=seed
    )
    return RunConfig(
        mapping=mapping, embedder=embedder, segment=segment, themes=themes, extra_non_answers=tuple(non_answers or ()),
        codebook=str(codebook) if codebook else None, coded=str(coded) if coded else None,
        code_precision=DEFAULT_PRECISION if code_precision is None else code_precision, code_threshold=code_threshold,
    )
