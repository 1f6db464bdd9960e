"""Settling disagreements in the store, on SQLite and PostgreSQL: an adjudication records who
chose which final code, when and under which codebook version; it is append-only (a later one
supersedes), it wins in an export, a report and quotes, and it leaves the coders' own codings and
the agreement measured on them as they were."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from fritekst.agreement import agreement_summary, from_store
from fritekst.cli import app
from fritekst.errors import InputError
from fritekst.results import load_run
from fritekst.store import open_store
from fritekst.store._schema import Base

QUESTION = "q17_barrierer"


@pytest.fixture
def store_url(example_store_url):
    return example_store_url


@pytest.fixture
def store(store_url):
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def disputed(store):
    """Kari and Ola disagree on three answers and agree on two; returns the disagreeing segment ids."""
    segments = store.segments(question=QUESTION)
    ids = segments[~segments["non_answer"]]["segment_id"].tolist()
    agreed, disputed = ids[1:3], ids[3:6]
    for segment in agreed:
        store.add_coding(segment, "bolig", "kari", 1)
        store.add_coding(segment, "bolig", "ola", 1)
    for segment in disputed:
        store.add_coding(segment, "bolig", "kari", 1)
        store.add_coding(segment, "arbeidsmarked", "ola", 1, extra_codes=["bolig"], quote_candidate=True)
    return disputed


def table_counts(store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {t.name: connection.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def exported_codes(store, out: Path) -> pd.DataFrame:
    """The exported code columns of the question's answers, by segment id."""
    table = pd.read_csv(store.export_run(out) / "assignments.csv", dtype=str, keep_default_na=False)
    return _by_segment(store, table)


def _by_segment(store, table: pd.DataFrame) -> pd.DataFrame:
    segments = store.segments(question=QUESTION)[["segment_id", "id", "segment"]].astype(str)
    rows = table[table["question"] == QUESTION].astype({"id": str, "segment": str})
    joined = rows.merge(segments, on=["id", "segment"])
    return joined.astype({"segment_id": int}).set_index("segment_id")[
        ["code_id", "codes", "coded_by", "quote_candidate"]]


def test_a_settle_records_who_what_when_and_a_later_one_supersedes_it(store, disputed):
    segment = disputed[1]
    codings = store.codings()
    first = store.settle(segment, "tolk", "per", 1, note="  nevner tolk først ")
    settled = store.adjudications(question=QUESTION)
    assert settled[["adjudication_id", "segment_id", "code_id", "adjudicator", "codebook_version", "note"]].to_dict(
        "records") == [{"adjudication_id": first, "segment_id": segment, "code_id": "tolk", "adjudicator": "per",
                        "codebook_version": 1, "note": "nevner tolk først"}]
    assert settled["created_at"][0] > codings["created_at"].max()  # UTC ISO text sorts as time
    assert settled["text"][0] == store.segments(question=QUESTION).set_index("segment_id").loc[segment, "text"]

    second = store.settle(segment, "arbeidsmarked", "kari", 1)
    assert second > first
    current = store.adjudications(question=QUESTION)
    assert current[["segment_id", "code_id", "adjudicator"]].to_dict("records") == [
        {"segment_id": segment, "code_id": "arbeidsmarked", "adjudicator": "kari"}]
    assert current["note"].isna().all()
    history = store.adjudications(segment_id=segment, history=True)
    assert list(history["code_id"]) == ["tolk", "arbeidsmarked"]  # both kept, oldest first
    assert store.adjudications(question="q23_samarbeid").empty

    pd.testing.assert_frame_equal(store.codings(), codings)  # the coders' codings are untouched
    log = store.audit_log("segment")
    settles = log[log["action"] == "settle"]
    assert list(settles["actor"]) == ["per", "kari"] and set(settles["entity_id"]) == {str(segment)}
    assert settles["before"].iloc[0] is None
    assert settles["before"].iloc[1]["code_id"] == "tolk" and settles["after"].iloc[1]["code_id"] == "arbeidsmarked"


def test_a_settle_is_refused_for_an_unknown_code_segment_or_version_and_a_bad_name(store, disputed):
    segment = disputed[0]
    before, log = table_counts(store), store.audit_log()
    for change, words in (
        (lambda: store.settle(segment, "bolik", "per", 1), "did you mean 'bolig'"),
        (lambda: store.settle(segment, "bolig", "per", 7), "has no version 7"),
        (lambda: store.settle(segment, "bolig", "per", 1, codebook="ukjent"), "no codebook 'ukjent'"),
        (lambda: store.settle(10**6, "bolig", "per", 1), "no segment"),
        (lambda: store.settle(segment, "bolig", "Model", 1), "reserved for the model"),
        (lambda: store.settle(segment, "bolig", " ", 1), "empty"),
        (lambda: store.settle(segment, "bolig", "per\nkari", 1), "control or invisible"),
    ):
        with pytest.raises(InputError, match=words):
            change()
    assert table_counts(store) == before
    pd.testing.assert_frame_equal(store.audit_log(), log)


def test_adjudications_cannot_be_changed_deleted_or_replaced(store, disputed):
    store.settle(disputed[0], "tolk", "per", 1)
    table = {t.name: t for t in Base.metadata.sorted_tables}["adjudications"]
    columns = ("(id, segment_id, code_id, adjudicator, codebook_version_id, created_at) "
               "SELECT id, segment_id, 'bolig', adjudicator, codebook_version_id, created_at FROM adjudications")
    if store.engine.dialect.name == "sqlite":
        raw = [f"{verb} INTO adjudications {columns}" for verb in ("INSERT OR REPLACE", "REPLACE")]
    else:
        raw = [f"INSERT INTO adjudications {columns} ON CONFLICT (id) DO UPDATE SET code_id = excluded.code_id",
               "TRUNCATE adjudications"]
    before = store.adjudications(history=True)
    for statement in (update(table).values(code_id="bolig"), delete(table), *map(text, raw)):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(statement)
    pd.testing.assert_frame_equal(store.adjudications(history=True), before)


def test_exports_reports_and_quotes_take_the_settled_code_and_agreement_is_unchanged(store, store_url, disputed,
                                                                                     tmp_path):
    settled, unsettled = disputed[-1], disputed[0]
    summary = agreement_summary(from_store(store.current_codings(question=QUESTION)))
    before = exported_codes(store, tmp_path / "before")

    store.settle(settled, "tolk", "per", 1, note="Tolk er det svaret handler om")
    after = exported_codes(store, tmp_path / "after")
    # The settled code wins over both coders and the model, named by the person who settled it;
    # the quote flag is still the latest coder's: settling decides the code, not the quote.
    assert after.loc[settled].tolist() == ["tolk", "tolk", "per", "True"]
    assert before.loc[settled].tolist() == ["arbeidsmarked", "arbeidsmarked;bolig", "ola", "True"]
    assert after.loc[unsettled].tolist() == before.loc[unsettled].tolist() == [
        "arbeidsmarked", "arbeidsmarked;bolig", "ola", "True"]
    pd.testing.assert_frame_equal(after.drop(index=settled), before.drop(index=settled))

    # `fritekst report` and `quotes` read a store through load_run, `fritekst export` through the CLI
    read = _by_segment(store, load_run(store_url).assignments.astype(str))
    assert read.loc[settled, ["code_id", "coded_by"]].tolist() == ["tolk", "per"]
    result = CliRunner().invoke(app, ["export", "--db", store_url, "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    cli = _by_segment(store, pd.read_csv(tmp_path / "cli" / "assignments.csv", dtype=str, keep_default_na=False))
    assert cli.loc[settled, ["code_id", "coded_by"]].tolist() == ["tolk", "per"]

    # Agreement is measured on what each coder coded on their own: a settle changes none of it.
    again = agreement_summary(from_store(store.current_codings(question=QUESTION)))
    assert again["alpha"] == summary["alpha"]
    for part in ("pairs", "categories", "disagreements", "model_vs_coders"):
        pd.testing.assert_frame_equal(again[part], summary[part])
    assert settled in set(again["disagreements"]["segment"])


def test_a_settled_answer_nobody_else_coded_exports_the_settled_code(store, tmp_path):
    """The store does not ask whether coders disagree: the page offers disagreements, and a
    settle made while one of them changed their code must not be lost."""
    segments = store.segments(question=QUESTION)
    segment = segments[~segments["non_answer"]]["segment_id"].iloc[-1]
    store.settle(int(segment), "annet", "per", 1)
    assert exported_codes(store, tmp_path / "ut").loc[segment].tolist() == ["annet", "annet", "per", "False"]
