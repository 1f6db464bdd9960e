"""Loading a survey's answers into the store, and reading them back as the survey reader's table.

An import adds what is new and leaves what is there: the same file (by SHA-256) is imported once,
and a respondent or answer already in the store must say the same in the new file. A changed
answer text is refused rather than overwritten, because coders' work is tied to the text.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Select, func, insert, select

from fritekst.columns import ANSWER_COLUMNS
from fritekst.errors import InputError
from fritekst.store import _audit
from fritekst.store._engine import frame, now
from fritekst.store._schema import Answer, Attribute, Import, Question, Respondent, Survey, Wave

NO_WAVE = ""  # the wave name of answers from a file that named none


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: ``answers_added`` is 0 and ``already_imported`` True for a file seen before."""

    survey_id: int
    survey: str
    answers_added: int
    answers_total: int
    already_imported: bool


def _value(value) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def survey_id(connection: Connection, name: str, create: bool = False) -> int | None:
    found = connection.scalar(select(Survey.id).where(Survey.name == name))
    if found is None and create:
        found = connection.scalar(insert(Survey).values(name=name, created_at=now()).returning(Survey.id))
    return found


def import_answers(
    connection: Connection, answers: pd.DataFrame, survey: str, source_file: str | os.PathLike[str], sha256: str,
    actor: str,
) -> ImportSummary:
    """Add the answers of ``source_file`` (as :func:`fritekst.survey.load_answers` read them; the
    file's SHA-256 ``sha256``, which tells a file imported before) to ``survey``."""
    file = str(source_file)
    missing = [column for column in ANSWER_COLUMNS if column not in answers.columns]
    if missing:
        raise ValueError(f"answers lack the column(s) {', '.join(missing)}; read them with load_answers")
    if not survey.strip():
        raise InputError("the survey name is empty; give the survey a name", column="--survey")
    sid = survey_id(connection, survey, create=True)
    if connection.scalar(select(Import.id).where(Import.survey_id == sid, Import.sha256 == sha256)) is not None:
        return ImportSummary(sid, survey, 0, _count(connection, sid), True)
    attributes = [column for column in answers.columns if column not in ANSWER_COLUMNS]
    waves = _waves(connection, sid, [_value(w) or NO_WAVE for w in answers["wave"]])
    respondents = _respondents(connection, answers, waves, attributes, file)
    questions = _questions(connection, answers, waves)
    existing = {
        (row.question_id, row.respondent_id): row.text
        for row in connection.execute(
            select(Answer.question_id, Answer.respondent_id, Answer.text)
            .join(Question, Question.id == Answer.question_id).where(Question.wave_id.in_(list(waves.values())))
        )
    }
    new = []
    for row in answers.itertuples(index=False):
        wave = waves[_value(row.wave) or NO_WAVE]
        key = (questions[(wave, row.question)], respondents[(wave, row.id)])
        text = _value(row.text) or ""
        if key in existing:
            if existing[key] != text:
                raise InputError(
                    f"the answer of respondent {row.id!r} differs from the one already in the store; "
                    "coders' work is tied to the stored text, so import the changed file as a new survey",
                    file=file, row=int(row.source_row), column=row.question,
                )
            continue
        existing[key] = text
        new.append({"question_id": key[0], "respondent_id": key[1], "text": text, "source_row": int(row.source_row)})
    import_id = connection.scalar(
        insert(Import).values(
            survey_id=sid, file=Path(file).name, sha256=sha256, attributes=json.dumps(attributes, ensure_ascii=False),
            n_answers=len(new), imported_at=now(), imported_by=actor,
        ).returning(Import.id)
    )
    if new:
        connection.execute(insert(Answer), [{**row, "import_id": import_id} for row in new])
    total = _count(connection, sid)
    _audit.record(
        connection, actor, "import", "survey", sid, before={"answers": total - len(new)},
        after={"file": Path(file).name, "sha256": sha256, "import_id": import_id, "answers": total,
               "answers_added": len(new)},
    )
    return ImportSummary(sid, survey, len(new), total, False)


def _count(connection: Connection, sid: int) -> int:
    return connection.scalar(
        select(func.count(Answer.id)).join(Question, Question.id == Answer.question_id)
        .join(Wave, Wave.id == Question.wave_id).where(Wave.survey_id == sid)
    )


def _waves(connection: Connection, sid: int, names: list[str]) -> dict[str, int]:
    found = dict(connection.execute(select(Wave.name, Wave.id).where(Wave.survey_id == sid)).all())
    for name in dict.fromkeys(names):
        if name not in found:
            found[name] = connection.scalar(insert(Wave).values(survey_id=sid, name=name).returning(Wave.id))
    return found


def _questions(connection: Connection, answers: pd.DataFrame, waves: dict[str, int]) -> dict[tuple[int, str], int]:
    """(wave id, question name) -> question id; a question keeps the wording it was first imported with."""
    found = {
        (row.wave_id, row.name): row.id
        for row in connection.execute(select(Question.wave_id, Question.name, Question.id)
                                      .where(Question.wave_id.in_(list(waves.values()))))
    }
    firsts = answers.drop_duplicates(["wave", "question"])
    for row in firsts.itertuples(index=False):
        wave = waves[_value(row.wave) or NO_WAVE]
        if (wave, row.question) not in found:
            position = sum(1 for w, _ in found if w == wave)
            found[(wave, row.question)] = connection.scalar(
                insert(Question).values(wave_id=wave, name=row.question, text=_value(row.question_text) or "",
                                        position=position).returning(Question.id)
            )
    return found


def _respondents(
    connection: Connection, answers: pd.DataFrame, waves: dict[str, int], attributes: list[str], file: str
) -> dict[tuple[int, str], int]:
    """(wave id, respondent id) -> store id; a known respondent must have the same role and attributes."""
    wave_ids = list(waves.values())
    stored = {
        (row.wave_id, row.key): (row.id, row.role)
        for row in connection.execute(select(Respondent.wave_id, Respondent.key, Respondent.id, Respondent.role)
                                      .where(Respondent.wave_id.in_(wave_ids)))
    }
    stored_attributes: dict[int, dict[str, str]] = {}
    for row in connection.execute(
        select(Attribute.respondent_id, Attribute.name, Attribute.value)
        .join(Respondent, Respondent.id == Attribute.respondent_id).where(Respondent.wave_id.in_(wave_ids))
    ):
        stored_attributes.setdefault(row.respondent_id, {})[row.name] = row.value
    people = answers.drop_duplicates(["wave", "id"])
    result: dict[tuple[int, str], int] = {}
    new_people, new_attributes, added = [], [], []
    for row in people.to_dict("records"):
        wave = waves[_value(row["wave"]) or NO_WAVE]
        role = _value(row["role"])
        values = {name: value for name in attributes if (value := _value(row[name])) is not None}
        known = stored.get((wave, row["id"]))
        if known is None:
            new_people.append({"wave_id": wave, "key": row["id"], "role": role})
            new_attributes.append(values)
            continue
        stored_values = stored_attributes.get(known[0], {})
        changed = "role" if known[1] != role else next(
            (name for name in attributes if name in stored_values and stored_values[name] != values.get(name)), None
        )
        if changed is not None:
            raise InputError(
                f"respondent {row['id']!r} has another {changed} in the store; "
                "import the changed file as a new survey, or correct the file",
                file=file, row=int(row["source_row"]), column=changed,
            )
        result[(wave, row["id"])] = known[0]
        added += [{"respondent_id": known[0], "name": name, "value": value}
                  for name, value in values.items() if name not in stored_values]
    if added:  # attribute columns the earlier file did not have
        connection.execute(insert(Attribute), added)
    if new_people:
        ids = connection.scalars(
            insert(Respondent).returning(Respondent.id, sort_by_parameter_order=True), new_people
        ).all()
        rows = [
            {"respondent_id": rid, "name": name, "value": value}
            for rid, values in zip(ids, new_attributes) for name, value in values.items()
        ]
        if rows:
            connection.execute(insert(Attribute), rows)
        result.update({(person["wave_id"], person["key"]): rid for person, rid in zip(new_people, ids)})
    return result


def answers_table(connection: Connection, survey: str | None = None, question: str | None = None) -> pd.DataFrame:
    """The stored answers in the survey reader's columns (id, question, question_text, text, role,
    wave, attributes..., source_row), plus ``survey``, ``answer_id`` and ``respondent_id``."""
    query = (
        select(Answer.id.label("answer_id"), Survey.name.label("survey"), Respondent.key.label("id"),
               Question.name.label("question"), Question.text.label("question_text"), Answer.text,
               Respondent.role, Wave.name.label("wave"), Answer.source_row, Answer.respondent_id)
        .join(Question, Question.id == Answer.question_id).join(Respondent, Respondent.id == Answer.respondent_id)
        .join(Wave, Wave.id == Question.wave_id).join(Survey, Survey.id == Wave.survey_id)
        .order_by(Survey.id, Answer.import_id, Question.position, Answer.source_row, Answer.id)
    )
    if survey is not None:
        query = query.where(Survey.name == survey)
    if question is not None:
        query = query.where(Question.name == question)
    table = frame(connection, query)
    if table.empty:
        return pd.DataFrame(columns=["survey", "answer_id", "respondent_id", *ANSWER_COLUMNS])
    table["wave"] = table["wave"].replace(NO_WAVE, None)
    names = attribute_names(connection, table["survey"].unique().tolist())
    table = table.join(attribute_table(connection, query.with_only_columns(Answer.respondent_id), names),
                       on="respondent_id")
    first = ["survey", "answer_id", "respondent_id", "id", "question", "question_text", "text", "role", "wave"]
    return table[first + names + ["source_row"]]


def attribute_names(connection: Connection, surveys: list[str]) -> list[str]:
    """The attribute columns of the surveys' imports, in file order."""
    lists = connection.scalars(
        select(Import.attributes).join(Survey, Survey.id == Import.survey_id)
        .where(Survey.name.in_(surveys)).order_by(Import.id)
    )
    return list(dict.fromkeys(name for names in lists for name in json.loads(names)))


def attribute_table(connection: Connection, respondents: Select, names: list[str]) -> pd.DataFrame:
    """Attributes wide of the respondents ``respondents`` selects (a query of respondent ids): one
    column per name in ``names``, None where missing, indexed by respondent id."""
    query = select(Attribute.respondent_id, Attribute.name, Attribute.value).where(
        Attribute.respondent_id.in_(respondents.order_by(None).distinct()))
    long = frame(connection, query)
    wide = long.pivot(index="respondent_id", columns="name", values="value").reindex(columns=names)
    return wide.astype(object).where(wide.notna(), None)
