"""The ``fritekst`` command: a thin shell over the library.

Each command parses options and makes one library call. One error boundary, around every
command, turns :class:`~fritekst.errors.InputError` and the operating system's errors (no
permission, disk full) into one line on stderr and exit code 2.
Heavy libraries are imported inside the commands so that ``--help`` is instant.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand

from fritekst.embed.base import DEFAULT_EMBEDDER
from fritekst.errors import InputError
from fritekst.files import refuse_existing


def _fail(error: Exception) -> None:
    typer.echo(f"Error: {error}", err=True)
    raise typer.Exit(code=2)


class _Command(TyperCommand):
    """A command inside the error boundary: an error a user can act on is one line, not a traceback.

    An OSError that names no file (a full disk while a file is written) is told as the command's
    ``--out``, the only place such a command writes.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as error:
            _fail(error)
        except OSError as error:
            _fail(InputError.from_os_error(error, ctx.params.get("out")))


class _Typer(typer.Typer):
    """Typer whose commands all stand inside the error boundary."""

    def command(self, *args, **kwargs):
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


app = _Typer(
    help="fritekst: themes in Norwegian open-ended survey answers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """fritekst: themes in Norwegian open-ended survey answers."""


def _note_personal_data(where: str) -> None:
    typer.echo(f"Note: the answers are kept as written in {where}, with unmasked personal data; keep and share "
               "them as personal data (quotes and reports are masked).", err=True)


@contextlib.contextmanager
def _survey_warnings():
    """Print each :class:`~fritekst.survey.SurveyWarning` as one ``Warning:`` line on stderr, as it comes."""
    import warnings

    from fritekst.survey import SurveyWarning

    def show(message, category, *args, **kwargs):
        typer.echo(f"Warning: {message}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", SurveyWarning)
        warnings.showwarning = show
        yield


def _headers_read(source: dict) -> str:
    """The run summary's line on how the survey file was read: header rows and layout."""
    rows = source.get("header_rows") or []
    layout = f"{source['layout']} layout" if source.get("layout") else "no known layout"
    if not rows:
        return f"No header rows (a statistics file: its variable labels are the questions); {layout}"
    span = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}-{rows[-1]}"
    return f"Read {span} as header{'s' if len(rows) > 1 else ''}; {layout}"


_STANDARD_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English", "other": "other", "mixed": "mixed"}


def _languages_read(manifest: dict) -> str:
    """The run summary's line on the answers' written standards and whether Nynorsk was read as
    Bokmål (and if not, why)."""
    counts = manifest["counts"].get("languages", {})
    parts = ", ".join(f"{n} {_STANDARD_NAMES[name]}" for name, n in counts.items() if n) or "no answers"
    nynorsk = manifest.get("nynorsk") or {}
    if nynorsk.get("normalised"):
        return f"Written standards: {parts}; Nynorsk read as Bokmål by {nynorsk['translator']}"
    if nynorsk.get("answers"):
        return f"Written standards: {parts}; Nynorsk {nynorsk['note']}"
    return f"Written standards: {parts}"


# The column mapping, shared by `run` and `import`.
TextOption = Annotated[Optional[list[str]], typer.Option("--text", "-t", help="Open-answer column (repeat for several questions)")]
IdOption = Annotated[Optional[str], typer.Option("--id", help="Respondent id column (default: row number)")]
RoleOption = Annotated[Optional[str], typer.Option("--role", help="Respondent role column")]
AttrOption = Annotated[Optional[list[str]], typer.Option("--attr", help="Respondent attribute column (repeatable)")]
WaveOption = Annotated[Optional[str], typer.Option("--wave", help="Wave column, or a literal wave value for all rows")]
SheetOption = Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet (default: the first)")]
HeaderRowsOption = Annotated[Optional[int], typer.Option("--header-rows", help="Rows above the answers: column names, question texts, a tool's markers (default: detected)")]
MaxRowsOption = Annotated[Optional[int], typer.Option("--max-rows", help="Most rows read from the survey file (default 1 000 000)")]
ConfigOption = Annotated[Optional[Path], typer.Option("--config", "-c", help="YAML/TOML file with the column mapping")]
DbOption = Annotated[Optional[str], typer.Option("--db", help="Project store: SQLite file or project folder (default ./fritekst.db), or postgresql://USER@HOST/DB")]


@app.command()
def run(
    survey: Annotated[Path, typer.Argument(help="Survey export: .csv, .xlsx, .sav, .por or .dta")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output directory (created; replaced if it holds an earlier run)")] = None,
    text: TextOption = None,
    id_column: IdOption = None,
    role: RoleOption = None,
    attr: AttrOption = None,
    wave: WaveOption = None,
    sheet: SheetOption = None,
    max_rows: MaxRowsOption = None,
    header_rows: HeaderRowsOption = None,
    config: ConfigOption = None,
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
    code_precision: Annotated[Optional[float], typer.Option("--code-precision", help="Target precision of the model's codes: the least sure answers are left empty for a coder so that the codes given are right this often (default 0.9)")] = None,
    code_threshold: Annotated[Optional[float], typer.Option("--code-threshold", help="Deprecated, use --code-precision: a fixed least confidence (the estimated probability of being right) for a code")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="Also save the run in this project store (SQLite file or folder, or postgresql://…); the survey is imported with it")] = None,
    survey_name: Annotated[Optional[str], typer.Option("--survey", help="Survey name in the store (default: the file name without extension); give each wave's file the same name to compare waves")] = None,
    ray: Annotated[Optional[str], typer.Option("--ray", help="Embed on this Ray cluster: auto, HOST:PORT, ray://HOST:10001 or local (needs pip install 'fritekst[ray]')")] = None,
) -> None:
    """Find themes in open answers; write manifest.json, themes.csv and assignments.csv to OUT and/or save them in a store."""
    from rich.console import Console

    from fritekst.embed import EmbeddingCache
    from fritekst.progress import rich_progress
    from fritekst.run import run_and_save
    from fritekst.settings import build_run_config

    run_config = build_run_config(
        config_file=config, text=text, id=id_column, role=role, attrs=attr, wave=wave, sheet=sheet,
        max_rows=max_rows, header_rows=header_rows, embedder=embedder, seed=seed, segment=segment, min_themes=min_themes, max_themes=max_themes,
        keep_outliers=keep_outliers, non_answers=non_answer, codebook=codebook, coded=coded,
        code_precision=code_precision, code_threshold=code_threshold,
    )
    encoder = _ray_encoder(ray, run_config) if ray else None
    console = Console(stderr=True)
    if code_threshold is not None:
        console.print("--code-threshold is deprecated: use --code-precision (a target precision of the codes given)",
                      markup=False, highlight=False)
    try:
        with _survey_warnings(), rich_progress(console) as on_progress:
            result, run_id = run_and_save(survey, run_config, out=out, db=db, survey_name=survey_name,
                                          on_progress=on_progress, cache=None if no_cache else EmbeddingCache(cache),
                                          encoder=encoder)
    finally:
        if encoder is not None:
            encoder.close()
    console.print(_headers_read(result.manifest["input"]), markup=False, highlight=False)
    console.print(_languages_read(result.manifest), markup=False, highlight=False)
    counts = result.manifest["counts"]
    folders, stores = [str(out)] if out is not None else [], [db] if db is not None else []
    console.print(
        f"[bold]{counts['answered']}[/] answered, {counts['non_answers']} non-answers, {counts['blank']} blank; "
        f"{len(result.themes)} themes in {len(counts['questions'])} question(s), "
        f"{counts['unassigned_segments']} unassigned -> {' and '.join(folders + [f'run {run_id} in {db}' for db in stores])}"
    )
    _note_personal_data(" and ".join(folders + stores))


def _ray_encoder(address: str, run_config):
    """The Ray cluster that embeds a run's texts; refused for an embedder fitted on the whole batch."""
    from fritekst.embed import get_embedder
    from fritekst.embed.ray_cluster import RayEncoder

    if not get_embedder(run_config.embedder).cacheable:
        raise InputError(f"--ray cannot run {run_config.embedder!r}: it is fitted on all answers at once", column="--ray")
    return RayEncoder(address, run_config.embedder, run_config.themes.random_state)


@app.command("import")
def import_survey(
    survey: Annotated[Path, typer.Argument(help="Survey export (.csv, .xlsx, .sav, .por, .dta) or a REFI-QDA project (.qdpx, .qde)")],
    text: TextOption = None,
    id_column: IdOption = None,
    role: RoleOption = None,
    attr: AttrOption = None,
    wave: WaveOption = None,
    sheet: SheetOption = None,
    max_rows: MaxRowsOption = None,
    header_rows: HeaderRowsOption = None,
    config: ConfigOption = None,
    name: Annotated[Optional[str], typer.Option("--survey", help="Survey name in the store (default: the file name without extension)")] = None,
    db: DbOption = None,
) -> None:
    """Load a survey's answers and respondent attributes into a project store (again: changes nothing);
    a .qdpx brings its codebook and codings too, and says what it could not map."""
    if survey.suffix.lower() in (".qdpx", ".qde"):
        _import_project(survey, name, db)
        return
    from fritekst.settings import build_run_config
    from fritekst.store import import_into

    mapping = build_run_config(config_file=config, text=text, id=id_column, role=role, attrs=attr, wave=wave,
                               sheet=sheet, max_rows=max_rows, header_rows=header_rows).mapping
    with _survey_warnings():
        summary = import_into(db, survey, mapping, survey=name)
    if summary.already_imported:
        typer.echo(f"{survey} is already in survey {summary.survey!r} ({summary.answers_total} answers); nothing changed")
    else:
        typer.echo(f"added {summary.answers_added} answers to survey {summary.survey!r} ({summary.answers_total} in all)")


def _import_project(path: Path, survey: str | None, db) -> None:
    from fritekst.refi import import_project, read_project
    from fritekst.store import open_store

    read_project(path)  # refused before a store is made for it
    with open_store(db) as store:
        report = import_project(path, store, survey=survey)
    if report.already_imported:
        typer.echo(f"{path} is already in survey {report.survey!r}; nothing changed")
        return
    typer.echo(f"{report.origin or 'project'}: {report.answers} texts, {report.codes} codes ({report.levels} levels), "
               f"{report.codings} of {report.codings_in_file} codings by {len(report.users)} coders "
               f"into survey {report.survey!r}")
    for kind, count in report.unmapped.items():
        typer.echo(f"not imported: {count} {kind}", err=True)


@app.command("export")
def export_run(
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output directory, written as `fritekst run` writes it")] = None,
    qdpx: Annotated[Optional[Path], typer.Option("--qdpx", help="REFI-QDA project to write (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder")] = None,
    db: DbOption = None,
    run_id: Annotated[Optional[int], typer.Option("--run", help="Run id (default: the latest)")] = None,
    name: Annotated[Optional[str], typer.Option("--survey", help="Survey name, when the store holds several")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --qdpx FILE if it exists")] = False,
) -> None:
    """Write a stored run with the coders' codes as manifest.json, themes.csv and assignments.csv,
    and/or the whole project (answers, cases, codebook, codings) as a REFI-QDA .qdpx."""
    from fritekst.store import open_store

    if out is None and qdpx is None:
        raise InputError("say where to write: --out DIR (the run's CSV files) or --qdpx FILE (a REFI-QDA project)")
    with open_store(db, read_only=True) as store:
        if qdpx is not None:  # first: an existing FILE refused (without --force) before anything is written
            from fritekst.refi import export_project

            summary = export_project(store, qdpx, survey=name, run_id=run_id, force=force)
            typer.echo(f"wrote {summary.path}: {summary.sources} answers, {summary.codes} codes, "
                       f"{summary.codings} codings by {summary.users} coders")
            _note_personal_data(str(summary.path))
        if out is not None:
            written = store.export_run(out, run_id=run_id, survey=name)
            typer.echo(f"wrote {written}")
            _note_personal_data(str(written))


@app.command("app")
def open_app(
    target: Annotated[Optional[str], typer.Argument(help="A project store (fritekst.db, a project folder or postgresql://…) for the coder workspace, or a run directory for its themes (default: ./fritekst.db, else demo-out)")] = None,
    port: Annotated[int, typer.Option("--port", help="Local port")] = 8501,
) -> None:
    """Open the coder workspace (a project) or a run's themes in the browser (Streamlit, on this machine only)."""
    import os
    import sys

    from fritekst.app import streamlit_main
    from fritekst.app.serve import server_command

    target = target or streamlit_main.default_target()
    streamlit_main.check_target(target)
    if streamlit_main.is_run_dir(target):
        from fritekst.results import load_run

        load_run(target)
    else:
        from fritekst.store import open_store

        open_store(target, create=False).close()
    command, env = server_command(target, port=port)
    # Become the server (exec, not a child): a SIGTERM to `fritekst app` then stops Streamlit
    # itself instead of leaving it serving, reparented to PID 1.
    os.execve(sys.executable, command, env)


@app.command("serve")
def serve(
    target: Annotated[str, typer.Argument(help="A project store (fritekst.db, a project folder or postgresql://…)")],
    address: Annotated[str, typer.Option("--address", help="Address to listen on; anything but 127.0.0.1 needs --auth")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port")] = 8501,
    auth: Annotated[Optional[Path], typer.Option("--auth", help="Streamlit [auth] settings (TOML) of an OpenID Connect provider: people sign in, and their login is who codes")] = None,
) -> None:
    """Serve the coder workspace to a team: with --auth, people sign in (OpenID Connect) and the
    login is written into every coding and audit row; without it, on 127.0.0.1 only."""
    import os
    import sys

    from fritekst.app.serve import server_command
    from fritekst.store import open_store

    command, env = server_command(target, address=address, port=port, auth=auth)
    open_store(target, create=False).close()
    os.execve(sys.executable, command, env)


@app.command("forget")
def forget(
    db: DbOption = None,
    respondent: Annotated[Optional[str], typer.Option("--respondent", help="Erase this respondent (their id in the survey file), in every wave of the survey")] = None,
    older_than: Annotated[Optional[str], typer.Option("--older-than", help="Retention: empty the text of answers imported longer ago than this (18m, 2y, 90d), keeping codes and counts")] = None,
    name: Annotated[Optional[str], typer.Option("--survey", help="Survey name, when several hold the respondent (or to limit --older-than)")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Why (a case number, the retention rule); kept in the audit log")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --older-than: list what would go, change nothing")] = False,
    cache: Annotated[Optional[Path], typer.Option("--cache", help="Embedding cache to remove the vectors from (default ~/.cache/fritekst/embeddings.sqlite, or $FRITEKST_CACHE)")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Leave the embedding cache alone")] = False,
) -> None:
    """Erase a respondent (GDPR art. 17) from a project and the embedding cache, or apply a
    retention rule; the audit log records who, when and why, never the text."""
    from fritekst import erasure

    if (respondent is None) == (older_than is None):
        raise InputError("give either --respondent ID (erase one respondent) or --older-than AGE (retention)")
    if respondent is not None:
        if dry_run:
            raise InputError("--dry-run goes with --older-than; for one respondent, look them up first",
                             column="--dry-run")
        done, vectors = erasure.forget_respondent(db, respondent, reason or "", survey=name, cache=cache,
                                                  use_cache=not no_cache)
    else:
        done, listing, vectors = erasure.apply_retention(db, older_than, reason, survey=name, dry_run=dry_run,
                                                         cache=cache, use_cache=not no_cache)
        for row in listing:
            typer.echo(f"{row['survey']}\t{row['wave'] or '-'}\t{row['question']}\t{row['answers']} answers, "
                       f"imported {row['imported'][:10]}")
        if dry_run:
            typer.echo(f"dry run: {sum(r['answers'] for r in listing)} answers would lose their text; nothing changed")
            return
    counts = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in done.summary().items() if value)
    typer.echo(f"{'erased' if respondent else 'emptied'}: {counts or 'nothing'}; {vectors} rows of the embedding cache (vectors and lemmas)")
    if not done.file_cleared:
        typer.echo("Note: another program is reading the store; its write-ahead log (fritekst.db-wal) still holds "
                   "the old pages until the last connection closes.", err=True)


roles_app = _Typer(no_args_is_help=True)
app.add_typer(roles_app, name="roles", help="Who may do what in a project: koder, prosjektleder, leser.")


@roles_app.command("grant")
def roles_grant(
    person: Annotated[str, typer.Argument(help="The name changes are recorded under: the login's e-mail on a team server, else the OS user or database role")],
    role: Annotated[str, typer.Argument(help="koder, prosjektleder or leser")],
    db: DbOption = None,
) -> None:
    """Give a person a role (a prosjektleder's action; the first role in a project must be prosjektleder)."""
    from fritekst.store import open_store

    with open_store(db, create=False) as store:
        store.grant_role(person, role)
    typer.echo(f"{person}: {role.strip().casefold()}")


@roles_app.command("revoke")
def roles_revoke(
    person: Annotated[str, typer.Argument(help="The person whose role goes")],
    db: DbOption = None,
) -> None:
    """Take a person's role away (a prosjektleder's action)."""
    from fritekst.store import open_store

    with open_store(db, create=False) as store:
        store.revoke_role(person)
    typer.echo(f"{person}: no role")


@roles_app.command("list")
def roles_list(db: DbOption = None) -> None:
    """Every person with a role, who granted it and when."""
    from fritekst.store import open_store

    with open_store(db, read_only=True) as store:
        table = store.roles()
    if table.empty:
        typer.echo("no roles: one person's project, every change allowed")
    for row in table.itertuples():
        typer.echo(f"{row.person}\t{row.role}\tgranted by {row.granted_by} {row.granted_at[:10]}")


codebook_app = _Typer(no_args_is_help=True)
app.add_typer(codebook_app, name="codebook", help="Codebook files: compare versions, exchange with QDA programs (REFI-QDA .qdc).")


@codebook_app.command("diff")
def codebook_diff(
    old: Annotated[Path, typer.Argument(help="Codebook YAML, the earlier version")],
    new: Annotated[Path, typer.Argument(help="Codebook YAML, the later version")],
) -> None:
    """Show what changed from OLD to NEW; exit 0 when identical, 1 when they differ (like diff)."""
    from fritekst.codebook import diff_codebooks, load_codebook, render_diff

    diff = diff_codebooks(load_codebook(old), load_codebook(new))
    typer.echo(render_diff(diff))
    raise typer.Exit(code=1 if diff else 0)


def _convert(source: Path, out: Path, force: bool, read, write) -> None:
    """Read a codebook in one format and write it in the other; never replace a file unasked."""
    refuse_existing(out, force)
    written = write(read(source), out)
    typer.echo(f"wrote {written}")


@codebook_app.command("export")
def codebook_export(
    codebook: Annotated[Path, typer.Argument(help="Codebook YAML")],
    out: Annotated[Path, typer.Option("--out", "-o", help="REFI-QDA codebook file to write (.qdc)")],
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists")] = False,
) -> None:
    """Write CODEBOOK as a REFI-QDA .qdc for NVivo, ATLAS.ti, MAXQDA or QualCoder."""
    from fritekst.codebook import load_codebook, save_qdc

    _convert(codebook, out, force, load_codebook, save_qdc)


@codebook_app.command("import")
def codebook_import(
    qdc: Annotated[Path, typer.Argument(help="REFI-QDA codebook (.qdc) from fritekst or another QDA program")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Codebook YAML to write")],
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists")] = False,
) -> None:
    """Read a REFI-QDA .qdc into a fritekst codebook YAML (fields other programs lack come back too)."""
    from fritekst.codebook import load_qdc, save_codebook

    _convert(qdc, out, force, load_qdc, save_codebook)


_SOURCE_HELP = "A run directory written by `fritekst run --codebook …`, or a project store (its latest run, coders' codes winning)"
# Rich reads "[navn]" as markup and drops it from --help: the brackets are escaped.
_MASK_HELP = "How personal data is masked: label (\\[navn], \\[telefon] …), generic (\\[fjernet]), stars, or a template with {kind}"
_NAMES_HELP = "Name detectors: auto (name list, plus spaCy NER when a trained pipeline is present), list, spacy, none"
_PLACES_HELP = "Mask places too, as \\[sted] (municipalities, towns, regions): when a place names the respondent"


@app.command()
def quotes(
    source: Annotated[Path, typer.Argument(help=_SOURCE_HELP)],
    category: Annotated[Optional[str], typer.Option("--category", help="Category id from the codebook")] = None,
    theme: Annotated[Optional[int], typer.Option("--theme", help="Theme number instead of a category (needs --question)")] = None,
    question: Annotated[Optional[str], typer.Option("--question", help="Only this question")] = None,
    role: Annotated[Optional[str], typer.Option("--role", help="Only answers from this role")] = None,
    wave: Annotated[Optional[str], typer.Option("--wave", help="Only answers from this wave")] = None,
    k: Annotated[int, typer.Option("-k", help="How many quotes")] = 3,
    used_quotes: Annotated[Optional[Path], typer.Option("--used-quotes", help="Quotes earlier reports printed: one answer id or quote text per line")] = None,
    mask_style: Annotated[str, typer.Option("--mask-style", help=_MASK_HELP)] = "label",
    names: Annotated[str, typer.Option("--names", help=_NAMES_HELP)] = "auto",
    mask_places: Annotated[bool, typer.Option("--mask-places", help=_PLACES_HELP)] = False,
    cache: Annotated[Optional[Path], typer.Option("--cache", help="Embedding cache file (as for `fritekst run`)")] = None,
) -> None:
    """Print the K answers that best represent a category or theme, masked, with id, role, wave and attributes."""
    from fritekst.privacy import Screen
    from fritekst.quotes import QuoteConfig, describe_quote, quotes_from_run

    if (category is None) == (theme is None):
        raise InputError("give --category ID or --theme N (with --question)")
    chosen, rejects = quotes_from_run(
        source, category=category, theme=theme, question=question, role=role, wave=wave, config=QuoteConfig(k=k),
        screen=Screen(style=mask_style, names=names, places=mask_places), used_quotes=used_quotes, cache=cache,
    )
    for number, (_, quote) in enumerate(chosen.iterrows(), start=1):
        typer.echo(f"{number}. {describe_quote(quote)}")
    withheld = chosen.attrs.get("withheld") or {}
    if withheld:
        typer.echo("not shown, as most of their values are personal data: "
                   + ", ".join(f"{column} ({what})" for column, what in withheld.items()), err=True)
    reasons = ", ".join(f"{n} {reason}" for reason, n in rejects["reason"].value_counts().items())
    typer.echo(f"{len(chosen)} quote(s) of {len(chosen) + len(rejects)} answers" + (f"; not chosen: {reasons}" if reasons else ""), err=True)


@app.command()
def report(
    source: Annotated[Path, typer.Argument(help=_SOURCE_HELP)],
    out: Annotated[list[Path], typer.Option("--out", "-o", help="Report file: .docx, .xlsx or .md (repeatable: several formats of one report)")],
    question: Annotated[Optional[list[str]], typer.Option("--question", help="Question to report on (repeatable; default: all)")] = None,
    wave: Annotated[Optional[str], typer.Option("--wave", help="The wave the report describes (default: the latest; 'all': every wave)")] = None,
    by: Annotated[Optional[list[str]], typer.Option("--by", help="Attribute to split by (repeatable; default: those with 2-8 values)")] = None,
    k: Annotated[int, typer.Option("-k", help="Quotes per category")] = 2,
    small_cell: Annotated[int, typer.Option("--small-cell", help="Groups where fewer answered are flagged")] = 5,
    suppress_small: Annotated[bool, typer.Option("--suppress-small", help="Leave small groups out instead of flagging them")] = False,
    used_quotes: Annotated[Optional[Path], typer.Option("--used-quotes", help="Quotes earlier reports printed: one answer id or quote text per line")] = None,
    mask_style: Annotated[str, typer.Option("--mask-style", help=_MASK_HELP)] = "label",
    names: Annotated[str, typer.Option("--names", help=_NAMES_HELP)] = "auto",
    mask_places: Annotated[bool, typer.Option("--mask-places", help=_PLACES_HELP)] = False,
    cache: Annotated[Optional[Path], typer.Option("--cache", help="Embedding cache file (as for `fritekst run`)")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists")] = False,
) -> None:
    """Write a draft of the report's "åpne svar" section: counts by role, attribute and wave, charts, masked quotes."""
    from fritekst.quotes import QuoteConfig
    from fritekst.report import ReportConfig, report_from_run

    config = ReportConfig(wave=wave, by=tuple(by) if by else None, small_cell=small_cell, suppress_small=suppress_small,
                          quotes=QuoteConfig(k=k), mask_style=mask_style, names=names, mask_places=mask_places)
    written = report_from_run(source, out, questions=question, config=config, used_quotes=used_quotes, cache=cache,
                              force=force)
    masked = sum(len(q.masked) for q in written.questions)
    typer.echo(f"wrote {', '.join(map(str, out))}: {len(written.questions)} question(s), "
               f"{masked} quote(s) with personal data masked")


if __name__ == "__main__":
    app()
