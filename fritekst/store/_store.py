"""The :class:`Store`: a project's surveys, runs, codebook versions and codings in one database.

Every method is one transaction. Every change writes its audit row in that transaction, so a
crash or a refused change leaves both the data and the log as they were.
"""

from __future__ import annotations

import dataclasses
import getpass
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError

from fritekst.codebook import Codebook, parse_codebook
from fritekst.coders import check_name
from fritekst.errors import InputError
from fritekst.files import file_sha256
from fritekst.run_table import RunResult, check_output_dir, write_run
from fritekst.store import (
    _adjudications,
    _audit,
    _codebooks,
    _codings,
    _erasure,
    _imports,
    _roles,
    _runs,
    _splits,
    _suggestions,
    _themes,
    _withdrawals,
)
from fritekst.store._engine import (
    StoreMissing,
    clear_wal,
    database_url,
    is_sqlite,
    make_engine,
    reading,
    rehearsing,
    sqlite_file,
    use_wal,
    writing,
)
from fritekst.store._imports import ImportSummary
from fritekst.store._migrate import check_store, damaged, head_revision, upgrade


def _actor(actor: str | None) -> str:
    """Who makes a change: ``actor``, else ``$FRITEKST_USER``, else the login name; checked as a
    coder's name is (:func:`fritekst.coders.check_name`)."""
    if actor:
        return check_name(actor, column="actor")
    try:
        actor = os.environ.get("FRITEKST_USER") or getpass.getuser()
    except (KeyError, OSError):  # a container user without a name
        actor = "unknown"
    try:
        return check_name(actor, column=None)
    except InputError as error:
        raise InputError(f"$FRITEKST_USER, else the login name: {error.message}") from None


def _survey_name(source_file: str | os.PathLike[str], survey: str | None) -> str:
    return survey or Path(source_file).stem


def open_store(target: str | os.PathLike[str] | None = None, *, create: bool = True,
               read_only: bool = False) -> Store:
    """Open the store at a path, a project folder or a database URL; create it if there is none.

    ``None`` is ``fritekst.db`` in the current folder. The database must first show that it is a
    fritekst store SQLite can read whole (:func:`~fritekst.store._migrate.check_store`): a
    damaged file, or another program's database, is refused with one line, never written to.
    The schema is then brought to this fritekst's newest revision, so a project made with an
    older version opens in a newer one.

    ``create=False`` refuses a missing store (:class:`StoreMissing`) instead of making one, for
    commands that work on an existing project. ``read_only=True`` (which implies it) writes
    nothing, for commands that only read: SQLite is opened read-only, so a project in a folder
    the user may not write can still be exported. Only a store from an older fritekst is written
    to then, to bring it up to date, which needs write access once.

    >>> store = open_store("prosjekt/")  # doctest: +SKIP
    >>> store.import_survey("svar.xlsx", mapping)  # doctest: +SKIP
    """
    url = database_url(target)
    file = sqlite_file(url)
    if file is not None and not file.is_file():
        if read_only or not create:
            raise StoreMissing(str(file))
        file.parent.mkdir(mode=0o700, exist_ok=True)  # a new project folder: personal data, the owner's alone
        file.touch(mode=0o600)  # SQLite gives its -wal and -shm files the same permissions
    engine = make_engine(url, read_only=read_only)
    where = str(file) if file is not None else engine.url.render_as_string(hide_password=True)
    try:
        revision = check_store(engine, where, create=create and not read_only)
        if not read_only:
            use_wal(engine)
            upgrade(engine)
        elif revision != head_revision():
            _bring_up_to_date(target, where)
    except DatabaseError as error:  # not a database, damaged, no server, no such database, no access
        engine.dispose()
        reason = str(error.orig).strip()
        if getattr(error.orig, "sqlite_errorname", "").startswith("SQLITE_CORRUPT"):
            raise damaged(where, reason) from None
        raise InputError(f"cannot open the store ({reason})", file=where) from None
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def _bring_up_to_date(target, where: str) -> None:
    try:
        open_store(target, create=False).close()
    except InputError as error:
        raise InputError(f"the store was made by an older fritekst and must be brought up to date once, which needs "
                         f"write access to it ({error.message})", file=where) from None


def import_into(target: str | os.PathLike[str] | None, path: str | os.PathLike[str], mapping,
                survey: str | None = None, actor: str | None = None) -> ImportSummary:
    """Read a survey file and import it into the store at ``target``, made if there is none
    (``fritekst import``). The file is read first, so bad input makes no store and no folder."""
    from fritekst.survey import load_answers

    answers = load_answers(path, mapping)
    with open_store(target) as store:
        return store.import_answers(answers, _survey_name(path, survey), path, actor)


T = TypeVar("T")


class Store:
    """Methods the CLI and the app call; SQL stays behind them (house rule 5).

    ``actor`` arguments default to ``$FRITEKST_USER`` or the login name.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._codable: dict[int, frozenset[str]] = {}
        self._parsed: dict[tuple[str, int, str], Codebook] = {}
        self._database_user: str | None = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # --- surveys and answers -------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` in one write transaction, tried once more after an IntegrityError:
        a concurrent writer added the same new rows (a survey, an import, segments) first, and
        now they are there."""
        def once() -> T:
            with writing(self.engine) as connection:
                return work(connection)

        try:
            return once()
        except IntegrityError:
            return once()

    def import_answers(
        self, answers: pd.DataFrame, survey: str, source_file: str | os.PathLike[str], actor: str | None = None
    ) -> ImportSummary:
        """Add answers read by :func:`fritekst.survey.load_answers` from ``source_file``.

        Importing the same file again changes nothing; answers already stored must not differ.
        """
        sha256 = file_sha256(source_file)
        actor = self._require(actor, "import")
        return self._write(lambda connection: _imports.import_answers(connection, answers, survey, source_file,
                                                                      sha256, actor))

    def check_import(self, answers: pd.DataFrame, source_file: str | os.PathLike[str],
                     survey: str | None = None, *, sha256: str | None = None) -> ImportSummary:
        """What importing ``answers`` would do, without doing it: an import the store refuses (a
        changed answer, a respondent with another role) fails here, before a long run. ``sha256``
        is the file's hash when the caller has it (the file is then not read)."""
        with rehearsing(self.engine) as connection:
            return _imports.import_answers(connection, answers, _survey_name(source_file, survey), source_file,
                                           sha256 or file_sha256(source_file), _actor(None))

    def import_survey(self, path: str | os.PathLike[str], mapping, survey: str | None = None,
                      actor: str | None = None) -> ImportSummary:
        """Read a survey file with its column mapping and import it (survey name: the file's stem)."""
        from fritekst.survey import load_answers

        return self.import_answers(load_answers(path, mapping), _survey_name(path, survey), path, actor)

    def answers(self, survey: str | None = None, question: str | None = None) -> pd.DataFrame:
        """Stored answers in the survey reader's columns, plus survey, answer_id, respondent_id."""
        with reading(self.engine) as connection:
            return _imports.answers_table(connection, survey, question)

    # --- runs ----------------------------------------------------------------------------

    def save_run(self, result: RunResult, survey: str | None = None, actor: str | None = None, on_progress=None) -> int:
        """Store a run (segments, themes, assignments, the model's codes as codings by ``model``,
        manifest, codebook version) in one transaction; returns the run id.

        The run's survey file must be imported; ``survey`` is needed only when the same file was
        imported into several surveys. ``on_progress(stage, done, total)`` follows the writing.
        """
        actor = self._require(actor, "save_run")
        return self._write(lambda connection: _runs.save_run(connection, result, survey, actor, on_progress))

    def import_and_save_run(self, answers: pd.DataFrame, source_file: str | os.PathLike[str], result: RunResult,
                            survey: str | None = None, actor: str | None = None,
                            on_progress=None) -> tuple[ImportSummary, int]:
        """Import the survey a run read (as :meth:`import_answers`) and save the run (as
        :meth:`save_run`) in one transaction, as ``fritekst run --db`` does: a run killed or
        refused while it is saved leaves no import behind either. The file is known by the hash
        the run's manifest holds, not read again."""
        name = _survey_name(source_file, survey)
        sha256 = result.manifest["input"]["sha256"]
        actor = self._require(actor, "save_run")

        def work(connection: Connection) -> tuple[ImportSummary, int]:
            summary = _imports.import_answers(connection, answers, name, source_file, sha256, actor)
            return summary, _runs.save_run(connection, result, name, actor, on_progress)

        return self._write(work)

    def import_coded(self, answers: pd.DataFrame, source_file: str | os.PathLike[str], result, codings: pd.DataFrame,
                     survey: str | None = None, actor: str | None = None) -> tuple[ImportSummary, int | None]:
        """Answers, their segments (``result``, a run without themes) and people's codings from a
        project another program wrote (:mod:`fritekst.refi`), in one transaction: an import refused
        halfway leaves nothing behind. A file imported before changes nothing (run id None).

        ``codings`` has one row per (segment, coder): ``question, wave, id, segment`` name the
        segment as ``result`` cut it; ``code_id, extra_codes, coder, created_at, memo,
        quote_candidate`` are the coding, under the version of ``result.codebook``."""
        name = _survey_name(source_file, survey)
        sha256 = result.manifest["input"]["sha256"]  # the file as the import read it, not read again
        actor = self._require(actor, "import")

        def work(connection: Connection) -> tuple[ImportSummary, int | None]:
            summary = _imports.import_answers(connection, answers, name, source_file, sha256, actor)
            if summary.already_imported:
                return summary, None
            run_id = _runs.save_run(connection, result, name, actor)
            table = _runs.run_table(connection, run_id)
            def wave(value) -> str:
                return "" if value is None or pd.isna(value) else str(value)

            segment_of = {(q, wave(w), str(i), int(n)): s for s, q, w, i, n in
                          zip(table["segment_id"], table["question"], table["wave"], table["id"], table["segment"])}
            for coding in codings.sort_values("created_at", kind="stable").itertuples(index=False):
                segment_id = segment_of[(coding.question, wave(coding.wave), str(coding.id), int(coding.segment))]
                text = lambda value: value if isinstance(value, str) else None  # noqa: E731  (NaN in a frame)
                _codings.add_codings(connection, [segment_id], coding.code_id, coding.coder, result.codebook.version,
                                     result.codebook.name, text(coding.memo), bool(coding.quote_candidate),
                                     self._codable, tuple(coding.extra_codes), created_at=text(coding.created_at))
            return summary, run_id

        return self._write(work)

    def runs(self) -> pd.DataFrame:
        with reading(self.engine) as connection:
            return _runs.runs_table(connection)

    def run_manifest(self, run_id: int | None = None, survey: str | None = None) -> dict:
        """The manifest the run wrote (embedder, seed, counts, timings …)."""
        import json

        with reading(self.engine) as connection:
            return json.loads(_runs._run_row(connection, run_id or _runs.latest_run_id(connection, survey)).manifest)

    def segments(self, run_id: int | None = None, survey: str | None = None, question: str | None = None):
        """A run's assignments (latest run when ``run_id`` is None) with ``segment_id`` first."""
        with reading(self.engine) as connection:
            return _runs.run_table(connection, run_id or _runs.latest_run_id(connection, survey), question)

    def themes(self, run_id: int | None = None, survey: str | None = None, question: str | None = None) -> pd.DataFrame:
        """A run's themes (latest run when ``run_id`` is None) as its themes.csv has them."""
        with reading(self.engine) as connection:
            return _runs.themes_table(connection, run_id or _runs.latest_run_id(connection, survey), question)

    def rename_theme(self, run_id: int, question: str, theme_id: int, label: str, actor: str | None = None,
                     seen: Mapping[int, str] | None = None) -> None:
        """Rename a theme (and a broad theme left whole with it). ``seen`` is the question's
        :func:`theme_versions` as the coder saw them; the rename is refused with
        :class:`ThemeChanged` when this theme changed since."""
        actor = self._require(actor, "edit_themes")
        with writing(self.engine) as connection:
            _themes.rename_theme(connection, run_id, question, int(theme_id), label, actor, seen)

    def rename_broad_theme(self, run_id: int, question: str, parent_theme: int, label: str,
                           actor: str | None = None, seen: Mapping[int, str] | None = None) -> None:
        """Rename a broad theme (the ``parent_label`` of its sub-themes). ``seen`` as for
        :meth:`rename_theme`: refused when one of its sub-themes changed since."""
        actor = self._require(actor, "edit_themes")
        with writing(self.engine) as connection:
            _themes.rename_broad_theme(connection, run_id, question, int(parent_theme), label, actor, seen)

    def regroup_themes(self, run_id: int, question: str, moves: dict[int, int], themes: pd.DataFrame,
                       actor: str | None = None, action: str = "regroup_themes",
                       seen: Mapping[int, str] | None = None) -> None:
        """Move segments between themes (merge, split) and store the question's recounted themes;
        see :mod:`fritekst.workspace.theme_edits` for the recounting. ``seen`` is the question's
        :func:`theme_versions` the recount was made from; refused with :class:`ThemeChanged` when
        any of the question's themes changed since, for the recount replaces them all."""
        actor = self._require(actor, "edit_themes")
        with writing(self.engine) as connection:
            _themes.regroup_themes(connection, run_id, question, {int(k): int(v) for k, v in moves.items()},
                                   themes, actor, action, seen)

    def split_answer(self, run_id: int, segment_id: int, actor: str | None = None) -> list[int]:
        """Code an answer's sentences on their own: the sentences of segment ``segment_id`` (cut as
        ``--segment sentence`` cuts them) take its place in run ``run_id``, in its theme; returns
        their segment ids. One audited transaction; an answer split before is left as it is (its
        sentences' ids returned). Codings of the whole answer stay in the store, but the run no
        longer counts them (:mod:`fritekst.store._splits`)."""
        person = self._require(actor, "code")  # a coder's choice of what to code, as coding is
        return self._write(lambda connection: _splits.split_answer(connection, int(run_id), int(segment_id), person))

    def export_run(self, out: str | os.PathLike[str], run_id: int | None = None, survey: str | None = None) -> Path:
        """Write a run (latest when ``run_id`` is None) as ``fritekst run`` writes it, with each
        segment's settled code, else its latest code by a person, in place of the model's suggestion."""
        check_output_dir(out)
        return write_run(self.run_result(run_id, survey), out)

    def run_result(self, run_id: int | None = None, survey: str | None = None) -> RunResult:
        """A run (latest when ``run_id`` is None), each segment's settled code, else its latest
        code by a person, in place of the model's suggestion, and that person's quote-candidate flag;
        every code read under the codebook's current version (``needs_coder`` where it cannot be)."""
        with reading(self.engine) as connection:
            return _runs.run_result(connection, run_id or _runs.latest_run_id(connection, survey))

    def survey_result(self, survey: str | None = None) -> RunResult:
        """Every wave of a survey, each from the latest run holding it, read under today's
        codebook (:func:`fritekst.store._runs.survey_result`): what a report compares waves on."""
        with reading(self.engine) as connection:
            return _runs.survey_result(connection, survey)

    def save_suggestions(self, run_id: int, codebook: Codebook, segments: pd.DataFrame, themes: pd.DataFrame,
                         actor: str | None = None) -> int:
        """Replace run ``run_id``'s code suggestions with those made under ``codebook`` (a stored
        version): ``segments`` has ``segment_id, code_id, codes, confidence, coded_by``, ``themes``
        has ``question, theme_id, suggested_code, suggested_code_share, new_category``. The model's
        codings are appended; returns how many. See :mod:`fritekst.workspace.suggestions`."""
        actor = self._require(actor, "suggest")
        return self._write(lambda connection: _suggestions.save_suggestions(
            connection, run_id, codebook.name, codebook.version, segments, themes, actor))

    # --- codebooks and codings -----------------------------------------------------------

    def save_codebook(self, codebook: Codebook, author: str | None = None,
                      expected_version: int | None = None) -> Codebook:
        """Save an edited codebook as the next version; ``expected_version`` is the version the
        edit was made from (None for a codebook new to the store). Refused with
        :class:`InputError` when the store holds another latest version. Returns what is stored."""
        author = self._require(author, "save_codebook")
        try:
            with writing(self.engine) as connection:
                return _codebooks.save_codebook(connection, codebook, author, expected_version)
        except IntegrityError:  # a concurrent save took the same version number first
            with reading(self.engine) as connection:
                stored = _codebooks.latest_version(connection, codebook.name)
            raise InputError(_codebooks.conflict_message(codebook.name, stored, expected_version)) from None

    def codebook(self, name: str | None = None, version: int | None = None) -> Codebook:
        """A stored codebook version (the latest when ``version`` is None).

        Each stored text is parsed once per store (keyed on the text itself, so a store swapped
        underneath cannot serve a stale one): the app asks on every draw, and parsing the YAML
        took longer than the rest of a draw."""
        with reading(self.engine) as connection:
            row = _codebooks.version_row(connection, name, version)
        key = (row.name, row.version, row.yaml)
        if key not in self._parsed:
            self._parsed[key] = parse_codebook(row.yaml, f"{row.name} version {row.version} (store)")
        return self._parsed[key]

    def add_coding(self, segment_id: int, code_id: str, coder: str, codebook_version: int, *,
                   codebook: str | None = None, memo: str | None = None, quote_candidate: bool = False,
                   extra_codes=()) -> int:
        """Append ``coder``'s code for a segment; returns the coding id. The coder's earlier
        codings and other coders' codings of the segment stay as they are."""
        return self.add_codings([segment_id], code_id, coder, codebook_version, codebook=codebook, memo=memo,
                                quote_candidate=quote_candidate, extra_codes=extra_codes)[0]

    def add_codings(self, segment_ids, code_id: str, coder: str, codebook_version: int, *,
                    codebook: str | None = None, memo: str | None = None, quote_candidate: bool = False,
                    extra_codes=(), whole_theme: bool = False) -> list[int]:
        """The same code for many segments in one transaction (``whole_theme``: a theme accepted at
        once, a prosjektleder's action where roles are set); ``extra_codes`` are further codes for
        answers that hold several."""
        coder = self._require(check_name(coder), "code_theme" if whole_theme else "code")
        with writing(self.engine) as connection:
            return _codings.add_codings(connection, list(segment_ids), code_id, coder, codebook_version, codebook,
                                        memo, quote_candidate, self._codable, tuple(extra_codes))

    def withdraw_last(self, coder: str) -> list[int]:
        """Undo ``coder``'s last save (one coding, or a whole theme accepted at once) as a new,
        audited event; each segment is back to the coder's coding before it. Repeated, it goes
        further back. Returns the segment ids."""
        coder = self._require(check_name(coder), "withdraw")
        with writing(self.engine) as connection:
            return _withdrawals.withdraw_last(connection, coder)

    def codings(self, survey: str | None = None, question: str | None = None, coder: str | None = None,
                segment_id: int | None = None) -> pd.DataFrame:
        """Every coding ever made (the history), oldest first."""
        with reading(self.engine) as connection:
            return _codings.codings_table(connection, survey=survey, question=question, coder=coder,
                                          segment_id=segment_id)

    def current_codings(self, survey: str | None = None, question: str | None = None, coder: str | None = None,
                        segment_id: int | None = None) -> pd.DataFrame:
        """Each coder's latest coding per segment: one row per (segment, coder), disagreements included."""
        with reading(self.engine) as connection:
            return _codings.codings_table(connection, survey=survey, question=question, coder=coder,
                                          segment_id=segment_id, current=True)

    def settle(self, segment_id: int, code_id: str, adjudicator: str, codebook_version: int, *,
               codebook: str | None = None, note: str | None = None) -> int:
        """Settle a segment coders disagree on: ``adjudicator`` chooses its final code (a category of
        the codebook version), with an optional note; returns the adjudication id. Settling again
        supersedes it. The coders' codings stay as they are; an export takes the settled code."""
        adjudicator = self._require(check_name(adjudicator, column="adjudicator"), "settle")
        with writing(self.engine) as connection:
            return _adjudications.settle(connection, segment_id, code_id, adjudicator, codebook_version, codebook,
                                         note, self._codable)

    def adjudications(self, survey: str | None = None, question: str | None = None, segment_id: int | None = None,
                      *, history: bool = False) -> pd.DataFrame:
        """Each settled segment's latest adjudication (``history``: every one), oldest first:
        the segment, ``code_id``, ``adjudicator``, codebook version, ``created_at`` and ``note``."""
        with reading(self.engine) as connection:
            return _adjudications.adjudications_table(connection, survey=survey, question=question,
                                                      segment_id=segment_id, history=history)

    def people_codes(self, question: str | None = None) -> pd.DataFrame:
        """People's current codings (the model's left out: a run's segments hold its suggestions)
        in the columns the coding queue needs; see :func:`fritekst.store._codings.people_codes`."""
        with reading(self.engine) as connection:
            return _codings.people_codes(connection, question)

    def revision(self) -> int:
        """A number that changes with every change to the store (the app reloads when it moves)."""
        with reading(self.engine) as connection:
            return _audit.latest_id(connection)

    def runs_revision(self) -> int:
        """A number that changes when surveys, runs or themes change, and not with a coding: what
        the app's copy of a run's segments and themes depends on (a coder's save must not reload
        10 000 segments)."""
        with reading(self.engine) as connection:
            return _audit.latest_id(connection, ("survey", "run"))

    # --- erasure and retention -------------------------------------------------------------

    def forget(self, respondent: str, reason: str, survey: str | None = None,
               actor: str | None = None) -> _erasure.Erasure:
        """Erase a respondent (their id in the survey file) in every wave of ``survey``: answers,
        segments, codings, memos, quote flags, adjudications, and their text wherever it went
        (themes, codebook examples, audit rows), in one transaction with one audit row saying
        who, when and why. See :mod:`fritekst.store._erasure`."""
        actor = self._require(actor, "forget")
        with writing(self.engine) as connection:
            result = _erasure.forget(connection, str(respondent), survey, reason, actor)
        return dataclasses.replace(result, file_cleared=clear_wal(self.engine))

    def redact(self, before: str, reason: str | None = None, survey: str | None = None, actor: str | None = None,
               dry_run: bool = False) -> tuple[_erasure.Erasure, list[dict]]:
        """Empty the text of answers imported before ``before`` (ISO time), keeping the counts;
        ``dry_run`` only lists what would go. See :func:`fritekst.store._erasure.redact`."""
        if dry_run:
            with reading(self.engine) as connection:
                return _erasure.redact(connection, before, survey, reason, self._who(actor), True)
        actor = self._require(actor, "forget")
        with writing(self.engine) as connection:
            result, listing = _erasure.redact(connection, before, survey, reason, actor, False)
        return dataclasses.replace(result, file_cleared=clear_wal(self.engine)), listing

    # --- who: identity and roles -----------------------------------------------------------

    def _who(self, actor: str | None) -> str:
        """``actor`` if given (the app's signed-in person), else who this process runs as:
        ``$FRITEKST_USER``, else PostgreSQL's role of the connection, else the login name."""
        if actor or os.environ.get("FRITEKST_USER") or is_sqlite(self.engine):
            return _actor(actor)
        if self._database_user is None:
            with reading(self.engine) as connection:
                self._database_user = check_name(connection.exec_driver_sql("SELECT current_user").scalar(),
                                                 column=None)
        return self._database_user

    def whoami(self) -> str:
        """Who changes made here without a name are recorded as (see :meth:`_who`)."""
        return self._who(None)

    def _require(self, actor: str | None, action: str) -> str:
        """The person making the change ``action``, once their role allows it (any person in a
        project without roles); refused with :class:`~fritekst.store._roles.NotAllowed`, and an
        audit row that is kept, when it does not."""
        person = self._who(actor)
        with reading(self.engine) as connection:
            granted = _roles.roles(connection)
        if not granted or granted.get(person) in _roles.ALLOWED[action]:
            return person
        with writing(self.engine) as connection:
            refusal = _roles.refused(connection, person, action)
        if refusal is not None:
            raise refusal
        return person

    def role(self, person: str) -> str | None:
        """``person``'s role (None: no role, or a project without roles, see :meth:`has_roles`)."""
        with reading(self.engine) as connection:
            return _roles.roles(connection).get(person)

    def has_roles(self) -> bool:
        with reading(self.engine) as connection:
            return bool(_roles.roles(connection))

    def roles(self) -> pd.DataFrame:
        """person, role, granted_by, granted_at."""
        with reading(self.engine) as connection:
            return _roles.roles_table(connection)

    def grant_role(self, person: str, role: str, actor: str | None = None) -> None:
        """Give ``person`` (the name their changes are recorded under: a login's e-mail, an OS
        user, a database role) ``role``, replacing any they had. A prosjektleder's action; in a
        project without roles the first grant must make a prosjektleder, so nobody is locked out."""
        actor = self._require(actor, "grant")
        with writing(self.engine) as connection:
            if not _roles.roles(connection) and _roles.check_role(role) != _roles.LEAD:
                raise InputError(f"the project has no roles yet: grant {_roles.LEAD} first (to yourself, "
                                 f"{actor}, or the person who leads it), or nobody could grant any later", column="role")
            _roles.grant(connection, person, role, actor)

    def revoke_role(self, person: str, actor: str | None = None) -> None:
        actor = self._require(actor, "grant")
        with writing(self.engine) as connection:
            _roles.revoke(connection, person, actor)

    def audit_log(self, entity: str | None = None) -> pd.DataFrame:
        """Every change, oldest first: at, actor, action, entity, entity_id, before, after."""
        with reading(self.engine) as connection:
            return _audit.audit_table(connection, entity)
