"""Codings: appended, never overwritten. Each coder codes independently; a coder's current coding
of a segment is their latest, and two coders who disagree both keep theirs (the disagreement is
data for the agreement measures, not a conflict to resolve by last write; a person settles it in
an adjudication, :mod:`fritekst.store._adjudications`, which leaves the codings as they are)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, and_, exists, insert, select
from sqlalchemy.orm import aliased

from fritekst.codebook import parse_codebook
from fritekst.coders import check_name
from fritekst.errors import InputError
from fritekst.names import suggest
from fritekst.store import _audit
from fritekst.store._codebooks import version_row
from fritekst.store._engine import frame, now
from fritekst.store._schema import (
    MODEL_CODER,
    WITHDRAWN_CODE,
    Answer,
    CodebookVersion,
    Coding,
    Question,
    Respondent,
    RunSegment,
    Segment,
    Survey,
    Wave,
)

def add_codings(
    connection: Connection,
    segment_ids: list[int],
    code_id: str,
    coder: str,
    codebook_version: int,
    codebook: str | None,
    memo: str | None,
    quote_candidate: bool,
    codable: dict[int, frozenset[str]],
    extra_codes: Sequence[str] = (),
    created_at: str | None = None,
) -> list[int]:
    """Append one coding per segment (a theme accepted at once is many); ``codable`` caches each
    codebook version's codable ids (versions never change). ``created_at`` is the time the coding
    was made where that was elsewhere (a project from another program); default now.
    Returns the coding ids in order."""
    coder = check_name(coder)
    extras = [code for code in dict.fromkeys(extra_codes) if code != code_id]
    version = check_codes(connection, codebook, codebook_version, (code_id, *extras), codable)
    wanted = check_segments(connection, segment_ids)
    previous = {
        row["segment_id"]: dict(row) for row in connection.execute(
            select(Coding.segment_id, Coding.id, Coding.code_id, Coding.codebook_version_id, Coding.memo,
                   Coding.quote_candidate)
            .where(Coding.segment_id.in_(wanted), Coding.coder == coder).order_by(Coding.id)
        ).mappings()
    }
    ids = []
    moment = created_at or now()  # one save, one moment: that is how an undo finds the whole save
    for segment_id in wanted:
        values = {
            "segment_id": segment_id, "code_id": code_id, "coder": coder, "codebook_version_id": version.id,
            "created_at": moment, "memo": memo, "quote_candidate": bool(quote_candidate),
            "extra_codes": ";".join(extras) or None,
        }
        coding_id = connection.scalar(insert(Coding).values(**values).returning(Coding.id))
        before = previous.get(segment_id)
        if before is not None:
            before = {key: value for key, value in before.items() if key != "segment_id"}
        _audit.record(connection, coder, "code", "segment", segment_id, before, {"coding_id": coding_id, **values})
        ids.append(coding_id)
    return ids


def check_codes(connection: Connection, codebook: str | None, codebook_version: int, codes,
                codable: dict[int, frozenset[str]]) -> CodebookVersion:
    """The stored codebook version, once every one of ``codes`` is a codable category of it;
    ``codable`` caches each version's codable ids (versions never change)."""
    version = version_row(connection, codebook, codebook_version)
    if version.id not in codable:
        parsed = parse_codebook(version.yaml, f"{version.name} version {version.version} (store)")
        codable[version.id] = frozenset(category.id for category in parsed.codable())
    for code in codes:
        if code not in codable[version.id]:
            raise InputError(
                f"code {code!r} is not a category of codebook {version.name!r} version {version.version}; "
                f"{suggest(code, sorted(codable[version.id]), 'codes')}", column="code_id",
            )
    return version


def check_segments(connection: Connection, segment_ids) -> list[int]:
    """``segment_ids`` once each, in order, once every one is a stored segment."""
    wanted = list(dict.fromkeys(int(s) for s in segment_ids))
    known = set(connection.scalars(select(Segment.id).where(Segment.id.in_(wanted))))
    missing = [s for s in wanted if s not in known]
    if missing:
        raise InputError(f"no segment {missing[0]} in the store", column="segment_id")
    return wanted


def codings_table(
    connection: Connection,
    *,
    survey: str | None = None,
    question: str | None = None,
    coder: str | None = None,
    segment_id: int | None = None,
    current: bool = False,
) -> pd.DataFrame:
    """Codings oldest first (``coding_id, segment_id, survey, wave, question, id, segment, text, code_id,
    coder, codebook, codebook_version, created_at, run_id, confidence, memo, quote_candidate,
    extra_codes``); ``current`` keeps each coder's latest per segment."""
    query = (
        select(
            Coding.id.label("coding_id"), Coding.segment_id, Survey.name.label("survey"), Wave.name.label("wave"),
            Question.name.label("question"), Respondent.key.label("id"), Segment.number.label("segment"),
            Segment.text, Coding.code_id, Coding.coder, CodebookVersion.name.label("codebook"),
            CodebookVersion.version.label("codebook_version"), Coding.created_at, Coding.run_id, Coding.confidence,
            Coding.memo, Coding.quote_candidate, Coding.extra_codes,
        )
        .join(Segment, Segment.id == Coding.segment_id).join(Answer, Answer.id == Segment.answer_id)
        .join(Question, Question.id == Answer.question_id).join(Wave, Wave.id == Question.wave_id)
        .join(Survey, Survey.id == Wave.survey_id).join(Respondent, Respondent.id == Answer.respondent_id)
        .join(CodebookVersion, CodebookVersion.id == Coding.codebook_version_id)
        .order_by(Coding.id)
    )
    for column, value in ((Survey.name, survey), (Question.name, question), (Coding.coder, coder),
                          (Coding.segment_id, segment_id)):
        if value is not None:
            query = query.where(column == value)
    if current:
        query = _current(query)
    table = frame(connection, query)
    table["wave"] = table["wave"].replace("", None)
    return table


def people_codes(connection: Connection, question: str | None = None) -> pd.DataFrame:
    """People's current codings (not the model's), oldest first, in the few columns the coding
    queue uses: ``coding_id, segment_id, coder, code_id, memo, quote_candidate, extra_codes``.

    Read without the joins to respondents, waves and codebooks and without the segment texts that
    :func:`codings_table` returns: at 10 000 codings those made up most of the time of a save.
    """
    query = (
        select(Coding.id.label("coding_id"), Coding.segment_id, Coding.coder, Coding.code_id, Coding.memo,
               Coding.quote_candidate, Coding.extra_codes)
        .where(Coding.coder != MODEL_CODER).order_by(Coding.id)
    )
    if question is not None:
        query = (query.join(Segment, Segment.id == Coding.segment_id).join(Answer, Answer.id == Segment.answer_id)
                 .join(Question, Question.id == Answer.question_id).where(Question.name == question))
    return frame(connection, _current(query))


def latest_human_codes(connection: Connection, run_id: int) -> pd.DataFrame:
    """For each segment of run ``run_id`` that a person has coded: the latest person's code
    (``segment_id, code_id, coder, codebook_version_id, extra_codes, quote_candidate``). This wins
    over the model in an export, the coder's quote-candidate flag with it, unless the segment is
    settled (:func:`fritekst.store._adjudications.final_codes`)."""
    query = _current(
        select(Coding.id, Coding.segment_id, Coding.code_id, Coding.coder, Coding.codebook_version_id,
               Coding.extra_codes, Coding.quote_candidate)
        .join(RunSegment, and_(RunSegment.segment_id == Coding.segment_id, RunSegment.run_id == run_id))
        .where(Coding.coder != MODEL_CODER)
    )
    latest = frame(connection, query).sort_values("id").drop_duplicates("segment_id", keep="last")
    return latest.drop(columns="id").reset_index(drop=True)


def _current(query):
    """Each coder's latest coding per segment, leaving out those that withdraw an earlier one."""
    later = aliased(Coding)
    return query.where(~exists().where(and_(
        later.segment_id == Coding.segment_id, later.coder == Coding.coder, later.id > Coding.id
    ))).where(Coding.code_id != WITHDRAWN_CODE)
