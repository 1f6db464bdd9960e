"""Adjudications: where coders disagree, a person settles the segment's final code.

Appended, never overwritten: a segment's latest adjudication is its settled code, and settling
it again supersedes the earlier one, which stays in the table and the audit log. The coders' own
codings are not touched, so agreement is still measured on what each coded independently; what
changes is the code an export, a report and quotes take for the answer (:func:`final_codes`).

The store does not ask whether the coders still disagree when a segment is settled: the page
offers disagreements, and a settle made while a coder changed their code must not be lost.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, and_, exists, insert, select
from sqlalchemy.orm import aliased

from fritekst.coders import check_name
from fritekst.store import _audit
from fritekst.store._codings import check_codes, check_segments, latest_human_codes
from fritekst.store._engine import frame, now
from fritekst.store._schema import (
    Adjudication,
    Answer,
    CodebookVersion,
    Question,
    Respondent,
    RunSegment,
    Segment,
    Survey,
    Wave,
)

ADJUDICATION_COLUMNS = [
    "adjudication_id", "segment_id", "survey", "wave", "question", "id", "segment", "text", "code_id",
    "adjudicator", "codebook", "codebook_version", "created_at", "note",
]


def settle(
    connection: Connection,
    segment_id: int,
    code_id: str,
    adjudicator: str,
    codebook_version: int,
    codebook: str | None,
    note: str | None,
    codable: dict[int, frozenset[str]],
) -> int:
    """Append ``adjudicator``'s final code for a segment; returns the adjudication id. The code is
    checked against the codebook version as a coding's is (:func:`~fritekst.store._codings.check_codes`)."""
    adjudicator = check_name(adjudicator, column="adjudicator")
    version = check_codes(connection, codebook, codebook_version, (code_id,), codable)
    (segment_id,) = check_segments(connection, [segment_id])
    before = connection.execute(
        select(Adjudication.id.label("adjudication_id"), Adjudication.code_id, Adjudication.adjudicator,
               Adjudication.codebook_version_id, Adjudication.note)
        .where(Adjudication.segment_id == segment_id).order_by(Adjudication.id.desc()).limit(1)
    ).mappings().first()
    values = {"segment_id": segment_id, "code_id": code_id, "adjudicator": adjudicator,
              "codebook_version_id": version.id, "created_at": now(), "note": (note or "").strip() or None}
    adjudication_id = connection.scalar(insert(Adjudication).values(**values).returning(Adjudication.id))
    _audit.record(connection, adjudicator, "settle", "segment", segment_id,
                  dict(before) if before is not None else None, {"adjudication_id": adjudication_id, **values})
    return adjudication_id


def adjudications_table(
    connection: Connection,
    *,
    survey: str | None = None,
    question: str | None = None,
    segment_id: int | None = None,
    history: bool = False,
) -> pd.DataFrame:
    """Each segment's settled code (its latest adjudication) in :data:`ADJUDICATION_COLUMNS`, oldest
    first; ``history`` keeps every adjudication, superseded ones too."""
    query = (
        select(
            Adjudication.id.label("adjudication_id"), Adjudication.segment_id, Survey.name.label("survey"),
            Wave.name.label("wave"), Question.name.label("question"), Respondent.key.label("id"),
            Segment.number.label("segment"), Segment.text, Adjudication.code_id, Adjudication.adjudicator,
            CodebookVersion.name.label("codebook"), CodebookVersion.version.label("codebook_version"),
            Adjudication.created_at, Adjudication.note,
        )
        .join(Segment, Segment.id == Adjudication.segment_id).join(Answer, Answer.id == Segment.answer_id)
        .join(Question, Question.id == Answer.question_id).join(Wave, Wave.id == Question.wave_id)
        .join(Survey, Survey.id == Wave.survey_id).join(Respondent, Respondent.id == Answer.respondent_id)
        .join(CodebookVersion, CodebookVersion.id == Adjudication.codebook_version_id)
        .order_by(Adjudication.id)
    )
    for column, value in ((Survey.name, survey), (Question.name, question), (Adjudication.segment_id, segment_id)):
        if value is not None:
            query = query.where(column == value)
    if not history:
        query = _latest(query)
    table = frame(connection, query)
    table["wave"] = table["wave"].replace("", None)
    return table


def final_codes(connection: Connection, run_id: int) -> pd.DataFrame:
    """What wins over the model in an export of run ``run_id``, per segment a person coded or
    settled, in :func:`~fritekst.store._codings.latest_human_codes`' columns: the settled code
    where there is one, with the adjudicator as ``coder`` and no further codes, else the latest
    person's code. A settled segment keeps the latest coder's quote-candidate flag: settling
    decides the code, not whether the answer is a good quote."""
    human = latest_human_codes(connection, run_id)
    settled = frame(connection, _latest(
        select(Adjudication.segment_id, Adjudication.code_id, Adjudication.adjudicator.label("coder"),
               Adjudication.codebook_version_id)
        .join(RunSegment, and_(RunSegment.segment_id == Adjudication.segment_id, RunSegment.run_id == run_id))
    ))
    if settled.empty:
        return human
    flags = dict(zip(human["segment_id"], human["quote_candidate"]))
    settled = settled.assign(extra_codes=None,
                             quote_candidate=[bool(flags.get(s, False)) for s in settled["segment_id"]])
    kept = human[~human["segment_id"].isin(settled["segment_id"])]
    parts = [part for part in (kept, settled[list(human.columns)]) if len(part)]
    return pd.concat(parts, ignore_index=True)


def _latest(query):
    """Each segment's latest adjudication: the one no later adjudication of it supersedes."""
    later = aliased(Adjudication)
    return query.where(~exists().where(and_(later.segment_id == Adjudication.segment_id, later.id > Adjudication.id)))
