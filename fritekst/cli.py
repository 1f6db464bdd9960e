"""The ``fritekst`` command: a thin shell over the library.

Each command parses options, makes one library call, and turns
:class:`~fritekst.errors.InputError` into one line on stderr and exit code 2.
Heavy libraries are imported inside the commands so that ``--help`` is instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from fritekst.embed.base import DEFAULT_EMBEDDER

app = typer.Typer(
    help="fritekst: themes in Norwegian open-ended survey answers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """fritekst: themes in Norwegian open-ended survey answers."""


def _fail(error: Exception) -> None:
    typer.echo(f"Error: {error}", err=True)
    raise typer.Exit(code=2)


@app.command()
def run(
    survey: Annotated[Path, typer.Argument(help="Survey export: .csv, .xlsx or .sav")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory (created; replaced if it holds an earlier run)")],
    text: Annotated[Optional[list[str]], typer.Option("--text", "-t", help="Open-answer column (repeat for several questions)")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="Respondent id column (default: row number)")] = None,
    role: Annotated[Optional[str], typer.Option("--role", help="Respondent role column")] = None,
    attr: Annotated[Optional[list[str]], typer.Option("--attr", help="Respondent attribute column (repeatable)")] = None,
    wave: Annotated[Optional[str], typer.Option("--wave", help="Wave column, or a literal wave value for all rows")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet (default: the first)")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="YAML/TOML file with the column mapping")] = None,
    embedder: Annotated[str, typer.Option("--embedder", "-e", help="e5-small (bundled), st:PATH_OR_NAME, or tfidf")] = DEFAULT_EMBEDDER,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same input, config and seed give the same themes")] = 0,
    segment: Annotated[str, typer.Option("--segment", help="'answer' or 'sentence' (split multi-theme answers)")] = "answer",
    min_themes: Annotated[Optional[int], typer.Option("--min-themes", help="Fewest themes per question (default: from N)")] = None,
    max_themes: Annotated[Optional[int], typer.Option("--max-themes", help="Most themes per question (default: from N)")] = None,
    keep_outliers: Annotated[bool, typer.Option("--keep-outliers", help="Leave poorly fitting answers unassigned (theme -1) instead of reassigning them")] = False,
    non_answer: Annotated[Optional[list[str]], typer.Option("--non-answer", help="Extra phrase to treat as a non-answer (repeatable)")] = None,
    cache: Annotated[Optional[Path], typer.Option("--cache", help="Embedding cache file (default: ~/.cache/fritekst/embeddings.sqlite or $FRITEKST_CACHE)")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache")] = False,
    codebook: Annotated[Optional[Path], typer.Option("--codebook", help="Codebook YAML: suggest a category for every answer")] = None,
    coded: Annotated[Optional[Path], typer.Option("--coded", help="CSV of coders' codes (id, code_id[, coder, question]) to learn from")] = None,
    code_threshold: Annotated[Optional[float], typer.Option("--code-threshold", help="Below this confidence the code is left empty for a coder (default: from the codebook's size)")] = None,
) -> None:
    """Find themes in open answers and write manifest.json, themes.csv and assignments.csv to OUT."""
    from fritekst.errors import InputError
    from fritekst.settings import build_run_config

    try:
        run_config = build_run_config(
            config_file=config, text=text, id=id_column, role=role, attrs=attr, wave=wave, sheet=sheet,
            embedder=embedder, seed=seed, segment=segment, min_themes=min_themes, max_themes=max_themes,
            keep_outliers=keep_outliers, non_answers=non_answer, codebook=codebook, coded=coded,
            code_threshold=code_threshold,
        )
        _run(survey, out, run_config, cache, no_cache)
    except InputError as error:
        _fail(error)


def _run(survey: Path, out: Path, run_config, cache_path: Optional[Path], no_cache: bool) -> None:
    from rich.console import Console

    from fritekst.embed import EmbeddingCache
    from fritekst.progress import rich_progress
    from fritekst.run import run_to_dir

    cache = None if no_cache else EmbeddingCache(cache_path)
    console = Console(stderr=True)
    with rich_progress(console) as on_progress:
        result = run_to_dir(survey, out, run_config, cache=cache, on_progress=on_progress)
    counts = result.manifest["counts"]
    console.print(
        f"[bold]{counts['answered']}[/] answered, {counts['non_answers']} non-answers, {counts['blank']} blank; "
        f"{len(result.themes)} themes in {len(counts['questions'])} question(s), "
        f"{counts['unassigned_segments']} unassigned -> {out}"
    )


@app.command("app")
def open_app(
    run_dir: Annotated[Path, typer.Argument(help="A directory written by `fritekst run`")] = Path("demo-out"),
    port: Annotated[int, typer.Option("--port", help="Local port")] = 8501,
) -> None:
    """Open a run's themes in the browser (Streamlit, on this machine only)."""
    import subprocess
    import sys

    from fritekst.errors import InputError
    from fritekst.results import load_run

    try:
        load_run(run_dir)
    except InputError as error:
        _fail(error)
    from fritekst.app import streamlit_main

    entry = streamlit_main.__file__
    command = [sys.executable, "-m", "streamlit", "run", str(entry), "--server.address", "127.0.0.1",
               "--server.port", str(port), "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
               "--", str(run_dir)]
    raise typer.Exit(subprocess.call(command))


codebook_app = typer.Typer(no_args_is_help=True)
app.add_typer(codebook_app, name="codebook", help="Codebook files: compare versions, exchange with QDA programs (REFI-QDA .qdc).")


@codebook_app.command("diff")
def codebook_diff(
    old: Annotated[Path, typer.Argument(help="Codebook YAML, the earlier version")],
    new: Annotated[Path, typer.Argument(help="Codebook YAML, the later version")],
) -> None:
    """Show what changed from OLD to NEW; exit 0 when identical, 1 when they differ (like diff)."""
    from fritekst.codebook import diff_codebooks, load_codebook, render_diff
    from fritekst.errors import InputError

    try:
        diff = diff_codebooks(load_codebook(old), load_codebook(new))
    except InputError as error:
        _fail(error)
    typer.echo(render_diff(diff))
    raise typer.Exit(code=1 if diff else 0)


def _refuse_to_overwrite(out: Path, force: bool) -> None:
    from fritekst.errors import InputError

    if out.exists() and not force:
        raise InputError("exists already; choose another name or add --force to replace it", file=str(out))


@codebook_app.command("export")
def codebook_export(
    codebook: Annotated[Path, typer.Argument(help="Codebook YAML")],
    out: Annotated[Path, typer.Option("--out", "-o", help="REFI-QDA codebook file to write (.qdc)")],
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists")] = False,
) -> None:
    """Write CODEBOOK as a REFI-QDA .qdc for NVivo, ATLAS.ti, MAXQDA or QualCoder."""
    from fritekst.codebook import load_codebook, save_qdc
    from fritekst.errors import InputError

    try:
        _refuse_to_overwrite(out, force)
        written = save_qdc(load_codebook(codebook), out)
    except InputError as error:
        _fail(error)
    typer.echo(f"wrote {written}")


@codebook_app.command("import")
def codebook_import(
    qdc: Annotated[Path, typer.Argument(help="REFI-QDA codebook (.qdc) from fritekst or another QDA program")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Codebook YAML to write")],
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists")] = False,
) -> None:
    """Read a REFI-QDA .qdc into a fritekst codebook YAML (fields other programs lack come back too)."""
    from fritekst.codebook import load_qdc, save_codebook
    from fritekst.errors import InputError

    try:
        _refuse_to_overwrite(out, force)
        written = save_codebook(load_qdc(qdc), out)
    except InputError as error:
        _fail(error)
    typer.echo(f"wrote {written}")


if __name__ == "__main__":
    app()
