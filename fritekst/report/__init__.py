"""Report drafts of the "åpne svar" section: who answered, categories with counts and the
prevalence words the reports use, splits by role and attribute, wave-over-wave change,
charts and masked quotes, as DOCX, Excel or Markdown.

>>> report = build_report(run.assignments, cached_embed("e5-small"), codebook=run.codebook)  # doctest: +SKIP
>>> write_report(report, "rapport.docx")  # doctest: +SKIP

:func:`report_from_run` does both for a run directory, as ``fritekst report`` calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fritekst.embed.base import DEFAULT_EMBEDDER
from fritekst.errors import InputError
from fritekst.files import refuse_existing, written_whole
from fritekst.report._build import build_report, described_wave, harmonised
from fritekst.report._charts import grouped_bars, question_charts
from fritekst.report._model import CategorySection, QuestionReport, Report, ReportConfig
from fritekst.report._numbers import format_cell, format_change, format_number, format_percent
from fritekst.report._prevalence import Prevalence
from fritekst.report._tables import (
    Labels,
    Table,
    category_counts,
    category_table,
    coded_units,
    respondents,
    split_table,
    theme_table,
    wave_table,
)
from fritekst.report._words import role_forms

FORMATS = (".docx", ".xlsx", ".md")

__all__ = [
    "CategorySection",
    "FORMATS",
    "Labels",
    "Prevalence",
    "QuestionReport",
    "Report",
    "ReportConfig",
    "Table",
    "build_report",
    "category_counts",
    "category_table",
    "coded_units",
    "described_wave",
    "format_cell",
    "format_change",
    "format_number",
    "format_percent",
    "grouped_bars",
    "harmonised",
    "question_charts",
    "report_from_run",
    "respondents",
    "role_forms",
    "split_table",
    "theme_table",
    "wave_table",
    "write_report",
]


def check_output(path: str | Path, *, force: bool = False) -> Path:
    """The output file, refused before any work when its format is unknown, its folder missing,
    or (without ``force``) when it exists already."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"unknown report format {path.suffix or '(none)'!r}; end the name in .docx, .xlsx or .md",
                         file=str(path), column="--out")
    if not path.parent.is_dir():
        raise InputError("the folder does not exist; create it first", file=str(path.parent), column="--out")
    refuse_existing(path, force)
    return path


def write_report(report: Report, path: str | Path) -> Path:
    """Write ``report`` in the format its name ends in (.docx, .xlsx, .md), whole: an earlier
    file of that name is replaced only once the new one is complete."""
    from fritekst.report._docx import write_docx
    from fritekst.report._markdown import write_markdown
    from fritekst.report._xlsx import write_xlsx

    path = check_output(path, force=True)
    writer = {".docx": write_docx, ".xlsx": write_xlsx, ".md": write_markdown}[path.suffix.lower()]
    with written_whole(path) as temporary:
        writer(report, temporary)
    return path


def report_from_run(
    run_dir: str | Path,
    out: str | Path | Sequence[str | Path],
    *,
    questions: list[str] | None = None,
    config: ReportConfig = ReportConfig(),
    used_quotes: str | Path | None = None,
    cache: str | Path | None = None,
    embedder: str | None = None,
    force: bool = False,
) -> Report:
    """Read a run directory, build its report once and write it to ``out``: one file, or several
    (one per format: ``rapport.docx`` and ``rapport.xlsx`` from the same figures and quotes).

    Every output is checked before any work, and an existing one refused unless ``force``;
    the report is built once, since choosing quotes (embedding, masking) is most of its cost."""
    from fritekst.embed import EmbeddingCache
    from fritekst.nlp import use_embedding_cache
    from fritekst.quotes import UsedQuotes, cached_embed, load_used_quotes
    from fritekst.results import attribute_columns, load_run

    outs = [out] if isinstance(out, (str, Path)) else list(out)
    if not outs:
        raise InputError("say where the report goes: --out FILE (.docx, .xlsx or .md)", column="--out")
    resolved = [Path(path).resolve() for path in outs]
    twice = sorted({str(path) for path in outs if resolved.count(Path(path).resolve()) > 1})
    if twice:
        raise InputError("the same report file is named twice", file=twice[0], column="--out")
    for path in outs:
        check_output(path, force=force)
    run = load_run(run_dir)
    used = load_used_quotes(used_quotes) if used_quotes else UsedQuotes()
    embed = cached_embed(embedder or run.manifest.get("embedder", DEFAULT_EMBEDDER), cache)
    use_embedding_cache(EmbeddingCache(cache))  # the words of masked quotes: embedded once, not per report
    report = build_report(run.assignments, embed, codebook=run.codebook, questions=questions,
                          attributes=attribute_columns(run), config=config, used=used, themes=run.themes)
    for path in outs:
        write_report(report, path)
    return report
