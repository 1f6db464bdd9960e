"""Runs in the store: saved whole in one transaction, read back as the run's own tables.

A run's assignments are kept normalised (segments point at answers, answers at respondents), so
the app can filter them by role, attribute, wave, theme and code. Reading a run back rebuilds
exactly the tables ``fritekst run`` wrote, column order and types included
(:mod:`fritekst.run_table`), so an export through :func:`fritekst.run_table.write_run` gives the
same files and a run read from the store is the run that was saved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import pandas as pd
from sqlalchemy import Connection, func, insert, select

from fritekst.codebook import Codebook, parse_codebook
from fritekst.coding import codes_today, has_history
from fritekst.errors import InputError
from fritekst.run_table import (
    ALL_THEME_COLUMNS,
    ASSIGNMENT_COLUMNS,
    CODE_COLUMNS,
    LANGUAGE,
    RunResult,
    codebook_entry,
    human_code,
    typed,
    with_quote_flags,
)
from fritekst.store import _audit
from fritekst.store._codebooks import run_codebook_id, version_row
from fritekst.store._adjudications import final_codes
from fritekst.store._engine import frame, now
from fritekst.store._imports import NO_WAVE, attribute_names, attribute_table
from fritekst.store._schema import (
    MODEL_CODER,
    Answer,
    CodebookVersion,
    Coding,
    Import,
    Question,
    Respondent,
    Run,
    RunSegment,
    RunTheme,
    Segment,
    Survey,
    Wave,
)

ProgressCallback = Callable[[str, int, int], None]
UNASSIGNED_THEME = -1  # as fritekst.themes numbers an answer in no theme
BATCH = 1000  # rows per INSERT; progress is reported after each batch has reached the database

RUN_SEGMENT_FIELDS = ["non_answer", "theme_id", "outlier", *CODE_COLUMNS, LANGUAGE]
FROM_ANSWERS = ["id", "question", "segment", "text", "blank", "question_text", "role", "wave", "source_row"]


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _plain(value):
    """A cell as the database takes it: numpy scalars as Python values, NA as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def survey_of_input(connection: Connection, sha256: str, file: str, survey: str | None) -> tuple[int, str]:
    query = select(Survey.id, Survey.name).join(Import, Import.survey_id == Survey.id).where(Import.sha256 == sha256)
    if survey is not None:
        query = query.where(Survey.name == survey)
    found = connection.execute(query.distinct()).all()
    if not found:
        where = f"survey {survey!r}" if survey else "the store"
        raise InputError(f"the run's survey file is not imported into {where}; import it first "
                         "(`fritekst import`)", file=file)
    if len(found) > 1:
        names = ", ".join(repr(row.name) for row in found)
        raise InputError(f"the run's survey file is imported into several surveys ({names}); name one", file=file)
    return found[0].id, found[0].name


def save_run(
    connection: Connection, result: RunResult, survey: str | None, actor: str, on_progress: ProgressCallback | None = None
) -> int:
    """Write ``result`` into the store; returns the run id."""
    report = on_progress or (lambda stage, done, total: None)
    manifest = result.manifest
    file = manifest["input"]["file"]
    sid, survey = survey_of_input(connection, manifest["input"]["sha256"], file, survey)
    table = result.assignments
    attributes = attribute_names(connection, [survey])
    known = {*ASSIGNMENT_COLUMNS, *FROM_ANSWERS, *RUN_SEGMENT_FIELDS, *attributes}
    unknown = [c for c in table.columns if c not in known] + [c for c in result.themes.columns if c not in ALL_THEME_COLUMNS]
    if unknown:
        raise ValueError(f"the store has no place for the run column(s) {', '.join(unknown)}; add them to the schema")
    codebook_id = run_codebook_id(connection, result.codebook, actor) if result.codebook is not None else None

    answer_ids = _answer_ids(connection, sid)
    waves = [NO_WAVE if pd.isna(w) else str(w) for w in table["wave"]] if "wave" in table else [NO_WAVE] * len(table)
    keys = list(zip(table["question"], waves, table["id"]))
    missing = next((key for key in keys if key not in answer_ids), None)
    if missing is not None:
        raise InputError(f"the run has an answer the store lacks (question {missing[0]!r}, respondent {missing[2]!r}); "
                         "import the survey file the run read", file=file)
    segment_ids = _segment_ids(connection, [answer_ids[key] for key in keys], table, report)

    run_id = connection.scalar(insert(Run).values(
        survey_id=sid, codebook_version_id=codebook_id, input_file=file, input_sha256=manifest["input"]["sha256"],
        manifest=json.dumps(manifest, ensure_ascii=False),
        columns=json.dumps({"assignments": list(table.columns), "themes": list(result.themes.columns)},
                           ensure_ascii=False),
        created_at=now(), created_by=actor,
    ).returning(Run.id))
    fields = [c for c in RUN_SEGMENT_FIELDS if c in table.columns]
    rows = [
        {"run_id": run_id, "position": position, "segment_id": segment_id,
         **{name: _plain(value) for name, value in zip(fields, values)}}
        for position, (segment_id, values) in enumerate(zip(segment_ids, table[fields].itertuples(index=False)))
    ]
    _insert_batches(connection, RunSegment, rows, "assignments", report)
    themes = [
        {"run_id": run_id, "position": position, **{k: _plain(v) for k, v in theme.items()}}
        for position, theme in enumerate(result.themes.to_dict("records"))
    ]
    if themes:
        connection.execute(insert(RunTheme), themes)
    model_codings = []
    if codebook_id is not None and "coded_by" in table:
        stamp = now()
        model_codings = [
            {"segment_id": segment_id, "code_id": code, "coder": MODEL_CODER, "codebook_version_id": codebook_id,
             "created_at": stamp, "run_id": run_id, "confidence": _plain(confidence), "memo": None,
             "quote_candidate": False}
            for segment_id, code, by, confidence in zip(segment_ids, table["code_id"], table["coded_by"],
                                                        table["confidence"])
            if by == MODEL_CODER and code
        ]
        _insert_batches(connection, Coding, model_codings, "codings", report)
    _audit.record(connection, actor, "save", "run", run_id, None, {
        "survey": survey, "input": manifest["input"], "segments": len(rows), "themes": len(themes),
        "model_codings": len(model_codings), "codebook_version_id": codebook_id,
    })
    return run_id


def _insert_batches(connection: Connection, model, rows: list[dict], stage: str, report: ProgressCallback) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(model), rows[start:start + BATCH])
        report(stage, min(start + BATCH, len(rows)), len(rows))


def _answer_ids(connection: Connection, sid: int) -> dict[tuple[str, str, str], int]:
    """(question, wave, respondent id) -> answer id for one survey."""
    query = (
        select(Question.name, Wave.name, Respondent.key, Answer.id)
        .join(Question, Question.id == Answer.question_id).join(Wave, Wave.id == Question.wave_id)
        .join(Respondent, Respondent.id == Answer.respondent_id).where(Wave.survey_id == sid)
    )
    return {(q, w, r): a for q, w, r, a in connection.execute(query)}


def _segment_ids(connection: Connection, answer_ids: list[int], table: pd.DataFrame, report) -> list[int]:
    """The segment id of every row, inserting the segments this store has not seen."""
    hashes = [_text_hash(text) for text in table["text"]]
    keys = list(zip(answer_ids, table["segment"].astype(int), hashes))
    known: dict[tuple[int, int, str], int] = {}
    wanted = sorted(set(answer_ids))
    for start in range(0, len(wanted), 5000):
        query = select(Segment.answer_id, Segment.number, Segment.text_hash, Segment.id).where(
            Segment.answer_id.in_(wanted[start:start + 5000]))
        known.update({(a, n, h): s for a, n, h, s in connection.execute(query)})
    blank = table["blank"] if "blank" in table else table["text"].eq("")
    new = {}
    for key, text, is_blank in zip(keys, table["text"], blank):
        if key not in known and key not in new:
            new[key] = {"answer_id": key[0], "number": int(key[1]), "text": text, "text_hash": key[2],
                        "blank": bool(is_blank)}
    rows = list(new.values())
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        ids = connection.scalars(insert(Segment).returning(Segment.id, sort_by_parameter_order=True), batch).all()
        known.update({(row["answer_id"], row["number"], row["text_hash"]): i for row, i in zip(batch, ids)})
        report("segments", min(start + BATCH, len(rows)), len(rows))
    return [known[key] for key in keys]


def latest_run_id(connection: Connection, survey: str | None = None) -> int:
    query = select(func.max(Run.id))
    if survey is not None:
        query = query.join(Survey, Survey.id == Run.survey_id).where(Survey.name == survey)
    run_id = connection.scalar(query)
    if run_id is None:
        raise InputError("the store holds no run" + (f" of survey {survey!r}" if survey else "") +
                         "; save one with `fritekst run --db`")
    return run_id


def _run_row(connection: Connection, run_id: int) -> Run:
    row = connection.execute(select(Run).where(Run.id == run_id)).first()
    if row is None:
        raise InputError(f"no run {run_id} in the store", column="run")
    return row


def run_table(connection: Connection, run_id: int, question: str | None = None) -> pd.DataFrame:
    """The run's assignments (of one question, or all) in the run's column order, ``segment_id`` first."""
    run = _run_row(connection, run_id)
    query = (
        select(RunSegment.segment_id, Respondent.key.label("id"), Question.name.label("question"),
               Segment.number.label("segment"), Segment.text, RunSegment.non_answer, RunSegment.theme_id,
               Segment.blank, Question.text.label("question_text"), Respondent.role, Wave.name.label("wave"),
               Answer.source_row, RunSegment.outlier, RunSegment.code_id, RunSegment.codes, RunSegment.confidence,
               RunSegment.coded_by, RunSegment.language, Answer.respondent_id, Segment.answer_id)
        .join(Segment, Segment.id == RunSegment.segment_id).join(Answer, Answer.id == Segment.answer_id)
        .join(Question, Question.id == Answer.question_id).join(Wave, Wave.id == Question.wave_id)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(RunSegment.run_id == run_id).order_by(RunSegment.position)
    )
    if question is not None:
        query = query.where(Question.name == question)
    table = _answers_together(frame(connection, query))
    table["wave"] = table["wave"].replace(NO_WAVE, None)
    columns = json.loads(run.columns)["assignments"]
    survey = connection.scalar(select(Survey.name).where(Survey.id == run.survey_id))
    names = [name for name in attribute_names(connection, [survey]) if name in columns]
    table = table.join(attribute_table(connection, query.with_only_columns(Answer.respondent_id), names),
                       on="respondent_id")
    return typed(table[["segment_id", *columns]])


def _answers_together(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (in run order) with each answer's segments together where the answer first comes:
    an answer split in the app (:mod:`fritekst.store._splits`) keeps its place by its first
    sentence, the others are added at the run's end. A run as saved is left as it is."""
    first_seen = pd.factorize(table["answer_id"])[0]
    if (first_seen[1:] >= first_seen[:-1]).all():
        return table
    return table.iloc[first_seen.argsort(kind="stable")].reset_index(drop=True)


def run_result(connection: Connection, run_id: int) -> RunResult:
    """The run, people's codes winning over the model's (a settled code over the coders', else the
    latest person's: :func:`~fritekst.store._adjudications.final_codes`) and their quote-candidate
    flags in ``quote_candidate`` (which the run itself never sets), read from the store's tables.

    Every code is read under the codebook's current version, whatever version it was made under
    (:func:`fritekst.coding.codes_today`): merges followed, and an answer whose category was split
    or retired flagged ``needs_coder`` instead of counted under a category the codebook no longer
    has. The result carries that current version, and its manifest says which it is."""
    run = _run_row(connection, run_id)
    table = run_table(connection, run_id)
    human = final_codes(connection, run_id)
    version_ids = ([run.codebook_version_id] if run.codebook_version_id is not None else []) + \
        [int(i) for i in human["codebook_version_id"].dropna()]
    if len(human):
        if "code_id" not in table:
            table = table.assign(code_id="", codes="", confidence=0.0, coded_by="")
        values = {s: human_code(code, coder, extra.split(";") if isinstance(extra, str) and extra else ()) for s, code, coder, extra in
                  zip(human["segment_id"], human["code_id"], human["coder"], human["extra_codes"])}
        rows = table["segment_id"].isin(values)
        table.loc[rows, CODE_COLUMNS] = pd.DataFrame(
            [values[s] for s in table.loc[rows, "segment_id"]], index=table.index[rows], columns=CODE_COLUMNS)
    table = with_quote_flags(table)
    if len(human):
        table["quote_candidate"] = table["segment_id"].isin(human.loc[human["quote_candidate"].astype(bool), "segment_id"])
    manifest = json.loads(run.manifest)
    codebook = _current_codebook(connection, run.codebook_version_id or max(version_ids, default=None))
    if has_history(codebook):  # only then can a code need mapping: otherwise the run exports as it was written
        table = codes_today(table, codebook)[0]
    if codebook is not None:
        manifest["codebook"] = codebook_entry(codebook, [_version_number(connection, i) for i in version_ids])
    return RunResult(table.drop(columns="segment_id"), themes_table(connection, run_id), manifest, codebook)


def survey_result(connection: Connection, survey: str | None = None) -> RunResult:
    """Every wave of a survey (the store's only one when ``survey`` is None), each from the latest
    run that holds it, as one result read under today's codebook (:func:`run_result`): what a
    report compares waves on when each wave's file was run on its own.

    Themes are a run's own, numbered afresh in each: the result has the latest run's, and answers
    from earlier runs count as in no theme (``theme_id`` -1). The manifest is the latest run's,
    with ``runs`` listing which run gave which waves."""
    run_ids = _survey_run_ids(connection, survey)
    latest = run_result(connection, run_ids[0])
    parts, given, seen = [latest.assignments], [{"run_id": run_ids[0], "waves": _waves(latest.assignments)}], \
        set(_waves(latest.assignments))
    for run_id in run_ids[1:]:
        earlier = run_result(connection, run_id).assignments
        new = earlier[~earlier["wave"].fillna("").astype(str).isin(seen)]
        if len(new):
            parts.append(new.assign(theme_id=UNASSIGNED_THEME))
            given.append({"run_id": run_id, "waves": _waves(new)})
            seen |= set(_waves(new))
    if len(parts) == 1:
        return latest
    table = pd.concat(parts, ignore_index=True)
    if has_history(latest.codebook):
        table = codes_today(table, latest.codebook)[0]
    return RunResult(typed(table), latest.themes, {**latest.manifest, "runs": given}, latest.codebook)


def _survey_run_ids(connection: Connection, survey: str | None) -> list[int]:
    """The survey's runs, latest first."""
    survey_id = connection.scalar(select(Run.survey_id).where(Run.id == latest_run_id(connection, survey)))
    return list(connection.scalars(select(Run.id).where(Run.survey_id == survey_id).order_by(Run.id.desc())))


def _waves(assignments: pd.DataFrame) -> list[str]:
    return sorted(set(assignments["wave"].fillna("").astype(str)))


def _current_codebook(connection: Connection, version_id: int | None) -> Codebook | None:
    """The latest stored version of the codebook that ``version_id`` is a version of."""
    if version_id is None:
        return None
    name = connection.scalar(select(CodebookVersion.name).where(CodebookVersion.id == version_id))
    row = version_row(connection, name)
    return parse_codebook(row.yaml, f"{row.name} version {row.version} (store)")


def _version_number(connection: Connection, version_id: int) -> int:
    return int(connection.scalar(select(CodebookVersion.version).where(CodebookVersion.id == version_id)))


def themes_table(connection: Connection, run_id: int, question: str | None = None) -> pd.DataFrame:
    """The run's themes (of one question, or all) in the run's themes.csv columns and order."""
    run = _run_row(connection, run_id)
    query = select(RunTheme).where(RunTheme.run_id == run_id).order_by(RunTheme.position)
    if question is not None:
        query = query.where(RunTheme.question == question)
    rows = connection.execute(query).mappings().all()
    return typed(pd.DataFrame(rows, columns=["run_id", "position", *ALL_THEME_COLUMNS])[json.loads(run.columns)["themes"]])


def runs_table(connection: Connection) -> pd.DataFrame:
    query = (
        select(Run.id.label("run_id"), Survey.name.label("survey"), Run.input_file, Run.created_at, Run.created_by,
               CodebookVersion.name.label("codebook"), CodebookVersion.version.label("codebook_version"),
               select(func.count()).where(RunSegment.run_id == Run.id).scalar_subquery().label("segments"))
        .join(Survey, Survey.id == Run.survey_id)
        .outerjoin(CodebookVersion, CodebookVersion.id == Run.codebook_version_id).order_by(Run.id)
    )
    return frame(connection, query)
