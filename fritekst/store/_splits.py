"""A coder splits one answer of a run into its sentences, so each sentence is coded on its own.

The sentences become the run's segments of that answer in the whole answer's place, cut and
numbered exactly as a ``--segment sentence`` run cuts them (so such a run finds the same segments,
and their codings carry over); they roll up to the respondent as that run's do. The whole answer
leaves the run: its codings stay in the store, but no longer count in this run's export and
report. Why: ``docs/decisions/014-coding-part-of-an-answer.md``.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Connection, func, insert, select, update

from fritekst.clean import NonAnswerDetector, sentence_segments
from fritekst.codebook import NON_ANSWER_CODE
from fritekst.errors import InputError
from fritekst.store import _audit
from fritekst.store._runs import UNASSIGNED_THEME, _segment_ids, _text_hash
from fritekst.store._schema import MODEL_CODER, Answer, Question, Run, RunSegment, RunTheme, Segment


def split_answer(connection: Connection, run_id: int, segment_id: int, actor: str) -> list[int]:
    """Put the sentences of segment ``segment_id`` in its place in run ``run_id``; returns their
    segment ids in order. An answer split before (by anyone) is left as it is and its sentences'
    ids returned, so a second click, or two coders at once, add nothing."""
    # Splits (and theme edits) of one run wait for each other here on PostgreSQL; SQLite's write
    # transaction already does.
    run = connection.execute(select(Run).where(Run.id == run_id).with_for_update()).first()
    if run is None:
        raise InputError(f"no run {run_id} in the store", column="run")
    whole = connection.execute(
        select(Segment.answer_id, Segment.text, Question.name.label("question"))
        .join(Answer, Answer.id == Segment.answer_id).join(Question, Question.id == Answer.question_id)
        .where(Segment.id == segment_id)).first()
    if whole is None:
        raise InputError(f"no segment {segment_id} in the store", column="segment_id")
    config = json.loads(run.manifest).get("config", {})
    pieces = sentence_segments(whole.text, NonAnswerDetector(extra_phrases=tuple(config.get("extra_non_answers", ()))))
    row = connection.execute(select(RunSegment).where(RunSegment.run_id == run_id,
                                                      RunSegment.segment_id == segment_id)).mappings().first()
    if row is None:
        parts = _split_before(connection, run_id, whole.answer_id, [text for text, _ in pieces])
        if parts is None:
            raise InputError(f"segment {segment_id} is not in run {run_id}", column="segment_id")
        return parts
    if row["non_answer"]:
        raise InputError(f"segment {segment_id} is a non-answer; there is nothing to code in its sentences",
                         column="segment_id")
    if len(pieces) < 2:
        raise InputError(f"segment {segment_id} is one sentence; there is nothing to split", column="segment_id")

    table = pd.DataFrame({"text": [text for text, _ in pieces], "segment": range(len(pieces)), "blank": False})
    ids = _segment_ids(connection, [whole.answer_id] * len(pieces), table, lambda *_: None)
    coded = "code_id" in json.loads(run.columns)["assignments"]
    last = connection.scalar(select(func.max(RunSegment.position)).where(RunSegment.run_id == run_id))
    positions = [row["position"], *range(last + 1, last + len(pieces))]
    values = [{"segment_id": part, "non_answer": said_nothing, **_place(row, said_nothing),
               **_codes(coded, said_nothing)} for part, (_, said_nothing) in zip(ids, pieces)]
    connection.execute(update(RunSegment).where(RunSegment.run_id == run_id, RunSegment.position == row["position"])
                       .values(**values[0]))
    connection.execute(insert(RunSegment), [{"run_id": run_id, "position": position, **value}
                                            for position, value in zip(positions[1:], values[1:])])
    said = sum(not said_nothing for _, said_nothing in pieces)
    connection.execute(update(RunTheme).where(RunTheme.run_id == run_id, RunTheme.theme_id == row["theme_id"],
                                              RunTheme.question == whole.question,
                                              RunTheme.n_segments.is_not(None))
                       .values(n_segments=RunTheme.n_segments + said - 1))
    _audit.record(connection, actor, "split_answer", "run", run_id,
                  {"segment_id": segment_id, "position": row["position"], "theme_id": row["theme_id"]},
                  {"segments": ids, "positions": positions, "non_answers": [n for _, n in pieces]})
    return ids


def _split_before(connection: Connection, run_id: int, answer_id: int, texts: list[str]) -> list[int] | None:
    """The run's segments of the answer, when they are these sentences: it was split already."""
    found = connection.execute(
        select(Segment.number, Segment.text_hash, Segment.id).join(RunSegment, RunSegment.segment_id == Segment.id)
        .where(RunSegment.run_id == run_id, Segment.answer_id == answer_id).order_by(Segment.number)
    ).all()
    if len(texts) > 1 and [(n, h) for n, h, _ in found] == [(i, _text_hash(t)) for i, t in enumerate(texts)]:
        return [i for _, _, i in found]
    return None


def _place(whole, said_nothing: bool) -> dict:
    """A sentence that says something stays in the whole answer's theme; a non-answer is in none,
    as a sentence run leaves it."""
    if said_nothing:
        return {"theme_id": UNASSIGNED_THEME, "outlier": False if whole["outlier"] is not None else None}
    return {"theme_id": whole["theme_id"], "outlier": whole["outlier"]}


def _codes(coded: bool, said_nothing: bool) -> dict:
    """The run's code columns for a new sentence: no suggestion (the model read the whole answer,
    not this sentence; "Lag modellens kodeforslag" makes one), and a non-answer coded as one by
    rule, as a run codes it. None where the run has no code columns."""
    if not coded:
        return {"code_id": None, "codes": None, "confidence": None, "coded_by": None}
    if said_nothing:
        return {"code_id": NON_ANSWER_CODE, "codes": NON_ANSWER_CODE, "confidence": 1.0, "coded_by": MODEL_CODER}
    return {"code_id": "", "codes": "", "confidence": 0.0, "coded_by": ""}
