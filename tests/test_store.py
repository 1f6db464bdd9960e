"""The project store on real databases: every test runs on a SQLite file and on a private
PostgreSQL server (``pg_cluster.py``), with real processes for concurrency and crashes."""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from fritekst.clean import clean_answers
from fritekst.codebook import load_codebook
from fritekst.errors import InputError
from fritekst.run_table import RunResult
from fritekst.store import (
    MODEL_CODER,
    ThemeChanged,
    current_revision,
    database_url,
    head_revision,
    open_store,
    theme_versions,
)
from fritekst.store import _themes
from fritekst.store._engine import make_engine, writing
from fritekst.store._migrate import upgrade
from fritekst.store._schema import Base, Survey
from fritekst.survey import SurveyMapping, load_answers, load_mapping

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
MAPPING = ROOT / "examples" / "demo.yaml"
CODEBOOK = ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"
WORKER = Path(__file__).with_name("store_worker.py")
SURVEY = EXAMPLE.stem
OUTPUTS = ("assignments.csv", "themes.csv", "manifest.json", "codebook.yaml")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "fritekst.db")
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database()
    yield url
    cluster.drop_database(url)


@pytest.fixture
def store(store_url):
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def loaded(store, example_run):
    """A store holding the example survey and its run; returns (store, run id)."""
    store.import_survey(EXAMPLE, load_mapping(MAPPING), actor="analytiker")
    return store, store.save_run(example_run[0], actor="analytiker")


def table_counts(store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {t.name: connection.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


# --- opening and migrating ---------------------------------------------------------------------


def test_database_url_from_paths_and_user_urls(tmp_path):
    assert database_url(tmp_path) == f"sqlite:///{tmp_path / 'fritekst.db'}"
    assert database_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("postgresql://team@db.example.no/fritekst") == "postgresql+psycopg://team@db.example.no/fritekst"
    assert database_url("postgres://h/d").startswith("postgresql+psycopg://")
    with pytest.raises(InputError, match="cannot use a 'mysql' database"):
        database_url("mysql://h/d")
    with pytest.raises(InputError, match="does not exist"):
        database_url(tmp_path / "no" / "such" / "x.db")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    (tmp_path / "svar.db").write_text("kommunenr;svar\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot open the store"):
        open_store(tmp_path / "svar.db")


def test_open_builds_the_schema_of_the_models_and_reopening_is_a_no_op(store_url):
    with open_store(store_url) as store:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
        before = table_counts(store)
    with open_store(store_url) as store:
        assert current_revision(store.engine) == head_revision()
        assert table_counts(store) == before


def test_a_store_at_the_first_revision_is_upgraded_on_open(store_url):
    engine = make_engine(database_url(store_url))
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as connection:  # a project made with the first schema, holding a survey
        connection.execute(text("INSERT INTO surveys (name, created_at) VALUES ('bølge 2021', '2024-01-01T00:00:00')"))
    engine.dispose()
    with open_store(store_url) as store:
        assert current_revision(store.engine) == head_revision() == "0009"
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT name FROM surveys")).scalar() == "bølge 2021"


def test_a_store_from_a_newer_fritekst_is_refused(store_url):
    with open_store(store_url) as store, store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(InputError, match="newer fritekst"):
        open_store(store_url)


# --- surveys -----------------------------------------------------------------------------------


def test_import_counts_answers_per_question_and_role_and_reimport_adds_nothing(store):
    mapping = load_mapping(MAPPING)
    first = store.import_survey(EXAMPLE, mapping, actor="analytiker")
    assert (first.survey, first.answers_added, first.already_imported) == (SURVEY, 534, False)
    answers = store.answers(SURVEY)
    expected = load_answers(EXAMPLE, mapping)
    counts = answers.groupby(["question", "role"]).size().to_dict()
    assert counts == expected.groupby(["question", "role"]).size().to_dict()
    assert counts[("q12_bistand", "Kommunedirektør")] == 62
    assert counts[("q17_barrierer", "Skolesjef")] == 18
    columns = list(expected.columns)
    pd.testing.assert_frame_equal(
        answers[columns].astype(str).reset_index(drop=True), expected[columns].astype(str).reset_index(drop=True)
    )
    counts_before = table_counts(store)
    again = store.import_survey(EXAMPLE, mapping, actor="analytiker")
    assert (again.answers_added, again.answers_total, again.already_imported) == (0, 534, True)
    assert table_counts(store) == counts_before
    log = store.audit_log()
    assert list(log["action"]) == ["import"] and log["actor"][0] == "analytiker"
    assert log["after"][0]["answers_added"] == 534


def test_a_second_file_adds_new_answers_and_refuses_a_changed_one(store, tmp_path):
    rows = pd.DataFrame({"kommunenr": ["0301", "1103"], "rolle": ["Skolesjef", "Skolesjef"],
                         "svar": ["Flere tolker.", "Boliger."]})
    first, second, changed = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    rows.to_csv(first, index=False)
    more = pd.concat([rows, pd.DataFrame({"kommunenr": ["5001"], "rolle": ["Skolesjef"], "svar": ["Arbeid."]})])
    more.assign(storrelse=["Over 20 000", "Over 20 000", "Under 5 000"]).to_csv(second, index=False)
    rows.assign(svar=["Flere tolker!", "Boliger."]).to_csv(changed, index=False)
    mapping = SurveyMapping(text=("svar",), id="kommunenr", role="rolle", wave="2025")
    assert store.import_survey(first, mapping, survey="s").answers_added == 2
    with_size = SurveyMapping(text=("svar",), id="kommunenr", role="rolle", attrs=("storrelse",), wave="2025")
    assert store.import_survey(second, with_size, survey="s").answers_added == 1
    answers = store.answers("s").set_index("id")
    assert answers["storrelse"].to_dict() == {"0301": "Over 20 000", "1103": "Over 20 000", "5001": "Under 5 000"}
    before = table_counts(store)
    with pytest.raises(InputError, match="differs from the one already in the store") as error:
        store.import_survey(changed, mapping, survey="s")
    assert error.value.row == 2 and error.value.column == "svar"
    assert table_counts(store) == before


# --- runs and export ---------------------------------------------------------------------------


def test_an_exported_run_is_the_run_fritekst_run_wrote(loaded, example_run, tmp_path):
    store, run_id = loaded
    result, written = example_run
    out = store.export_run(tmp_path / "export", run_id)
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (written / name).read_bytes(), name
    for name in ("assignments.csv", "themes.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(out / name, dtype=str), pd.read_csv(written / name, dtype=str))
    runs = store.runs()
    assert list(runs["run_id"]) == [run_id] and runs["segments"][0] == len(result.assignments)
    model = store.codings(SURVEY)
    suggested = result.assignments[(result.assignments["coded_by"] == "model") & (result.assignments["code_id"] != "")]
    assert len(model) == len(suggested) and set(model["coder"]) == {MODEL_CODER}
    assert (model["run_id"] == run_id).all() and (model["codebook_version"] == 1).all()


def test_people_win_over_the_model_in_an_export_and_a_second_run_reuses_segments(loaded, example_run, tmp_path):
    store, run_id = loaded
    segments = store.segments(run_id, question="q17_barrierer")
    first, second = (int(s) for s in segments["segment_id"][:2])
    store.add_coding(first, "bolig", "kari", 1, quote_candidate=True)
    store.add_coding(first, "arbeidsmarked", "ola", 1, extra_codes=["bolig"])  # the latest person's code is exported
    store.add_coding(second, "annet", "kari", 1, quote_candidate=True)
    exported = store.export_run(tmp_path / "a", run_id)
    table = pd.read_csv(exported / "assignments.csv", dtype=str, keep_default_na=False)
    rows = table[table["question"] == "q17_barrierer"].reset_index(drop=True)
    code_columns = ["code_id", "codes", "confidence", "coded_by", "quote_candidate"]
    assert rows.loc[0, code_columns].tolist() == ["arbeidsmarked", "arbeidsmarked;bolig", "1.0", "ola", "False"]
    assert rows.loc[1, ["code_id", "coded_by", "quote_candidate"]].tolist() == ["annet", "kari", "True"]
    assert table["quote_candidate"].eq("True").sum() == 1  # the flag goes with the exported coding
    second_run = store.save_run(example_run[0])
    assert set(store.segments(second_run)["segment_id"]) == set(store.segments(run_id)["segment_id"])
    assert table_counts(store)["segments"] == len(example_run[0].assignments)


def test_a_run_of_a_file_not_imported_is_refused(store, example_run):
    with pytest.raises(InputError, match="not imported"):
        store.save_run(example_run[0])
    assert table_counts(store)["runs"] == 0


# --- codings -----------------------------------------------------------------------------------


def test_two_coders_on_one_segment_both_keep_their_codings(loaded):
    store, run_id = loaded
    model_coded = store.current_codings(coder=MODEL_CODER)["segment_id"]  # the model is sure of these
    segment = int(model_coded.iloc[1])
    store.add_coding(segment, "bolig", "kari", 1, memo="nevner husleie")
    store.add_coding(segment, "arbeidsmarked", "ola", 1, quote_candidate=True)
    store.add_coding(segment, "helse_psykiatri", "kari", 1)  # kari changes her mind
    current = store.current_codings(segment_id=segment).set_index("coder")
    assert current.loc["kari", "code_id"] == "helse_psykiatri"
    assert current.loc["ola", "code_id"] == "arbeidsmarked" and bool(current.loc["ola", "quote_candidate"])
    assert set(current.index) == {"kari", "ola", MODEL_CODER}
    history = store.codings(segment_id=segment, coder="kari")
    assert list(history["code_id"]) == ["bolig", "helse_psykiatri"] and history["memo"][0] == "nevner husleie"
    assert (history["codebook"] == load_codebook(CODEBOOK).name).all()
    assert list(store.current_codings(coder="ola")["segment_id"]) == [segment]
    audit = store.audit_log("segment")
    assert list(audit["actor"]) == ["kari", "ola", "kari"]
    assert audit["before"][0] is None and audit["before"][2]["code_id"] == "bolig"
    assert audit["after"][2]["code_id"] == "helse_psykiatri"


def test_a_coding_must_name_a_known_segment_and_category(loaded):
    store, run_id = loaded
    segment = int(store.segments(run_id)["segment_id"][0])
    before = table_counts(store)
    with pytest.raises(InputError, match="did you mean 'bolig'"):
        store.add_coding(segment, "bolik", "kari", 1)
    with pytest.raises(InputError, match="no segment"):
        store.add_coding(10**6, "bolig", "kari", 1)
    with pytest.raises(InputError, match="has no version 7"):
        store.add_coding(segment, "bolig", "kari", 7)
    assert table_counts(store) == before


BAD_NAMES = {
    "model": "the name 'model' is reserved for the model's suggestions",
    " Model ": "the name 'Model' is reserved",
    "MODEL": "reserved",
    "  ": "empty",
    "kari\x00": "control or invisible characters",
    "kari\nola": "control or invisible characters",
    "k" * 101: "101 characters, over the limit of 100",
}


def test_a_coder_may_not_take_the_model_s_name_nor_an_unprintable_one(loaded, monkeypatch):
    """Codes by a person called "model" would be taken for the model's and left out of an export."""
    store, run_id = loaded
    segment = int(store.segments(run_id)["segment_id"][0])
    themes = theme_view(store, run_id)
    before, log = table_counts(store), store.audit_log()
    for name, words in BAD_NAMES.items():
        for change in (
            lambda: store.add_coding(segment, "bolig", name, 1),
            lambda: store.add_codings([segment], "bolig", name, 1),
            lambda: store.save_codebook(store.codebook(), author=name, expected_version=1),
            lambda: store.rename_theme(run_id, QUESTION, next(iter(themes)), "Nytt navn", actor=name, seen=themes),
            lambda: store.import_survey(EXAMPLE, load_mapping(MAPPING), actor=name),
        ):
            with pytest.raises(InputError, match=words):
                change()
    monkeypatch.setenv("FRITEKST_USER", "model")  # the default actor is checked too
    with pytest.raises(InputError, match="reserved"):
        store.save_codebook(store.codebook().model_copy(update={"description": "ny"}), expected_version=1)
    assert table_counts(store) == before
    pd.testing.assert_frame_equal(store.audit_log(), log)
    store.add_coding(segment, "bolig", "  kari ", 1)  # a name is stored as written, without the spaces
    assert store.codings(coder="kari")["segment_id"].tolist() == [segment]
    assert table_counts(store)["codings"] == before["codings"] + 1


def test_four_processes_coding_at_the_same_moment_keep_all_2000_codings(loaded, tmp_path):
    """Four coders, each a process saving 500 codings one by one, on the same 100 segments."""
    store, run_id = loaded
    segments = ",".join(str(s) for s in store.segments(run_id)["segment_id"][:100])
    codes = "bolig,arbeidsmarked,helse_psykiatri,annet,tolk"
    url = store.engine.url.render_as_string(hide_password=False)
    coders = [f"koder{i}" for i in range(4)]
    workers = [
        subprocess.Popen([sys.executable, str(WORKER), "code", url, coder, str(tmp_path), "500", segments, codes,
                          str(len(coders))],
                         stderr=subprocess.PIPE, text=True)
        for coder in coders
    ]
    deadline = time.time() + 60
    while not all((tmp_path / coder).exists() for coder in coders):
        assert all(worker.poll() is None for worker in workers), [w.stderr.read() for w in workers if w.poll()]
        assert time.time() < deadline, "the workers did not start"
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors
    codings = store.codings()
    human = codings[codings["coder"] != MODEL_CODER]
    assert len(human) == 2000
    assert human.groupby("coder").size().to_dict() == {coder: 500 for coder in coders}
    spans = human.groupby("coder")["created_at"].agg(["min", "max"])
    assert spans["min"].max() < spans["max"].min(), "the coders did not write at the same time"
    current = store.current_codings()
    assert len(current[current["coder"] != MODEL_CODER]) == 4 * 100
    assert (store.audit_log("segment")["action"] == "code").sum() == 2000


# --- codebook versions -------------------------------------------------------------------------


def test_a_codebook_edit_of_an_outdated_version_is_refused_and_changes_nothing(store):
    codebook = load_codebook(CODEBOOK)
    assert store.save_codebook(codebook, "kari").version == 1
    with pytest.raises(InputError, match="already in the store"):
        store.save_codebook(codebook, "ola")
    first = store.codebook()
    kari = first.model_copy(update={"description": "Kari sin endring"})
    ola = first.model_copy(update={"description": "Ola sin endring"})
    saved = store.save_codebook(kari, "kari", expected_version=1)
    assert saved.version == 2 and saved.changes[-1].metadata == ("description",)
    before, log = table_counts(store), store.audit_log()
    with pytest.raises(InputError, match="at version 2 in the store, but your edit was made from version 1"):
        store.save_codebook(ola, "ola", expected_version=1)
    assert table_counts(store) == before and len(store.audit_log()) == len(log)
    assert store.codebook().description == "Kari sin endring"
    assert store.codebook(version=1) == first
    assert store.save_codebook(store.codebook(), "ola", expected_version=2).version == 2  # no change: no version
    entries = store.audit_log("codebook")
    assert list(entries["actor"]) == ["kari", "kari"] and entries["before"][1]["version"] == 1


# --- theme edits -------------------------------------------------------------------------------

QUESTION = "q17_barrierer"


def theme_view(store, run_id):
    """The theme versions a coder's page holds for the question."""
    return theme_versions(store.themes(run_id, question=QUESTION), store.segments(run_id, question=QUESTION))


def test_a_theme_edit_made_from_themes_changed_since_is_refused_and_changes_nothing(loaded):
    store, run_id = loaded
    kari = theme_view(store, run_id)
    first, second, third = list(kari)[:3]
    store.rename_theme(run_id, QUESTION, first, "Ola sitt navn", actor="ola", seen=theme_view(store, run_id))
    before, log = table_counts(store), store.audit_log()
    themes, segments = store.themes(run_id, question=QUESTION), store.segments(run_id, question=QUESTION)
    with pytest.raises(ThemeChanged, match=f"theme {first} of question '{QUESTION}' changed after you loaded it"):
        store.rename_theme(run_id, QUESTION, first, "Kari sitt navn", actor="kari", seen=kari)
    # a regroup replaces all the question's themes: made from kari's view, it would undo ola's name
    moves = dict.fromkeys(segments.loc[segments["theme_id"] == second, "segment_id"], third)
    with pytest.raises(ThemeChanged, match=f"theme {first} "):
        store.regroup_themes(run_id, QUESTION, moves, themes[themes["theme_id"] != second], actor="kari", seen=kari)
    assert table_counts(store) == before
    pd.testing.assert_frame_equal(store.audit_log(), log)
    pd.testing.assert_frame_equal(store.themes(run_id, question=QUESTION), themes)
    pd.testing.assert_frame_equal(store.segments(run_id, question=QUESTION), segments)
    # another theme than the one ola renamed: kari's view of it still holds
    store.rename_theme(run_id, QUESTION, second, "Kari sitt navn", actor="kari", seen=kari)
    labels = store.themes(run_id, question=QUESTION).set_index("theme_id")["label"]
    assert (labels[first], labels[second]) == ("Ola sitt navn", "Kari sitt navn")
    assert list(store.audit_log("run")["actor"].iloc[-2:]) == ["ola", "kari"]


def test_two_renames_of_one_theme_at_the_same_moment_keep_the_first_and_refuse_the_second(loaded):
    """Ola's transaction is open when kari's starts: kari's check waits for it, then sees ola's name."""
    store, run_id = loaded
    view = theme_view(store, run_id)
    theme = next(iter(view))
    with ThreadPoolExecutor(1) as pool, writing(store.engine) as connection:
        _themes.rename_theme(connection, run_id, QUESTION, theme, "Ola sitt navn", "ola", view)
        kari = pool.submit(store.rename_theme, run_id, QUESTION, theme, "Kari sitt navn", "kari", view)
        time.sleep(0.5)
        assert not kari.done(), "kari's rename did not wait for ola's transaction"
    with pytest.raises(ThemeChanged):
        kari.result(timeout=60)
    assert store.themes(run_id, question=QUESTION).set_index("theme_id")["label"][theme] == "Ola sitt navn"
    assert list(store.audit_log("run")["actor"].iloc[-1:]) == ["ola"]


# --- no lost work ------------------------------------------------------------------------------


def test_a_run_killed_while_it_is_saved_leaves_the_store_unchanged(store, store_url, example_run, tmp_path):
    """SIGKILL of a real process whose save_run transaction is open and already holds rows."""
    store.import_survey(EXAMPLE, load_mapping(MAPPING))
    pickled, marker = tmp_path / "run.pickle", tmp_path / "writing"
    pickled.write_bytes(pickle.dumps(example_run[0]))
    before, audit = table_counts(store), store.audit_log()
    worker = subprocess.Popen([sys.executable, str(WORKER), "save-run", store_url, str(pickled), str(marker)],
                              stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not marker.exists():
        assert worker.poll() is None, worker.stderr.read()
        assert time.time() < deadline, "the run never started writing"
        time.sleep(0.05)
    _assert_a_write_transaction_is_open(store, store_url)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    with open_store(store_url) as reopened:
        assert table_counts(reopened) == before
        pd.testing.assert_frame_equal(reopened.audit_log(), audit)
        run_id = reopened.save_run(example_run[0])  # and the store takes the run afterwards
        assert table_counts(reopened)["run_segments"] == len(example_run[0].assignments)
        assert run_id >= 1


def _assert_a_write_transaction_is_open(store, store_url: str) -> None:
    if store.engine.dialect.name == "sqlite":
        probe = sqlite3.connect(store_url, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            probe.execute("BEGIN IMMEDIATE")
        probe.close()
        return
    with store.engine.connect() as connection:
        states = connection.execute(
            text("SELECT state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        ).scalars().all()
    assert "idle in transaction" in states


def test_codings_and_the_audit_log_cannot_be_changed_or_deleted(loaded):
    store, run_id = loaded
    segment = int(store.segments(run_id)["segment_id"][0])
    store.add_coding(segment, "bolig", "kari", 1)
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for statement in (
        update(tables["codings"]).values(code_id="arbeidsmarked"),
        delete(tables["codings"]),
        update(tables["audit_log"]).values(actor="noen"),
        delete(tables["audit_log"]),
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(statement)
    assert list(store.audit_log()["action"]) == ["import", "save", "save", "code"]
    assert store.audit_log()["entity"].tolist() == ["survey", "codebook", "run", "segment"]


def test_insert_or_replace_cannot_rewrite_a_coding_or_an_audit_row(loaded):
    """SQLite's REPLACE deletes the row it collides with without firing DELETE triggers; the
    PostgreSQL analogue, ON CONFLICT DO UPDATE, is an update. Both must be refused."""
    store, run_id = loaded
    segments = store.segments(run_id)["segment_id"]
    coding_id = store.add_coding(int(segments[0]), "bolig", "kari", 1)
    audit_id = int(store.audit_log()["id"].iloc[-1])
    coding = ("(id, segment_id, code_id, coder, codebook_version_id, created_at, quote_candidate) "
              "SELECT id, segment_id, 'arbeidsmarked', coder, codebook_version_id, created_at, quote_candidate "
              "FROM codings WHERE id = :id")
    audit = "(id, at, actor, action, entity) SELECT id, at, 'noen', action, entity FROM audit_log WHERE id = :id"
    if store.engine.dialect.name == "sqlite":
        statements = [(f"{verb} INTO {table} {columns}", key) for verb in ("INSERT OR REPLACE", "REPLACE")
                      for table, columns, key in (("codings", coding, coding_id), ("audit_log", audit, audit_id))]
    else:
        statements = [(f"INSERT INTO codings {coding} ON CONFLICT (id) DO UPDATE SET code_id = excluded.code_id",
                       coding_id),
                      (f"INSERT INTO audit_log {audit} ON CONFLICT (id) DO UPDATE SET actor = excluded.actor",
                       audit_id)]

    def contents():
        with store.engine.connect() as connection:
            return {table: connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
                    for table in ("codings", "audit_log")}

    before, counts = contents(), table_counts(store)
    for statement, key in statements:
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement), {"id": key})
    assert contents() == before and table_counts(store) == counts
    assert store.current_codings(coder="kari")["code_id"].tolist() == ["bolig"]
    store.add_coding(int(segments[1]), "bolig", "kari", 1)  # appending still works
    assert table_counts(store)["codings"] == counts["codings"] + 1


def test_a_failing_statement_s_error_holds_none_of_its_values(store, tmp_path):
    """Store errors reach a traceback; SQLAlchemy would print the statement's parameters in them,
    and PostgreSQL's DETAIL the failing row: both would print respondents' answers."""
    secret = "Naboen min Kari Nordmann på Hamar sier at"
    with pytest.raises(DBAPIError) as caught, store.engine.begin() as connection:
        connection.execute(insert(Survey).values(name=secret, created_at=None))  # NOT NULL: refused
    printed = "".join(traceback.format_exception(caught.value))
    assert "NULL" in printed.upper() and secret not in printed, printed
    answers = pd.DataFrame({"id": ["1"], "question": ["svar"], "question_text": ["Svar?"], "text": [secret + "\x00"],
                            "role": [None], "wave": [None], "source_row": [2]})
    (tmp_path / "svar.csv").write_text("svar\nx\n", encoding="utf-8")
    counts = table_counts(store)
    try:  # SQLite keeps a NUL; PostgreSQL cannot, and must say so without the answer
        store.import_answers(answers, "s", tmp_path / "svar.csv", actor="kari")
    except DBAPIError as error:
        assert store.engine.dialect.name == "postgresql"
        printed = "".join(traceback.format_exception(error))
        assert "NUL" in printed and secret not in printed, printed
        assert table_counts(store) == counts


# --- speed for the coder workspace -------------------------------------------------------------


@pytest.mark.slow
def test_with_10000_answers_in_a_question_a_filter_and_a_saved_coding_work(store, tmp_path):
    """How long they take is measured in bench/app_speed.py, not asserted here."""
    n = 10_000
    survey = tmp_path / "stor.csv"
    pd.DataFrame({
        "id": [f"r{i}" for i in range(n)],
        "rolle": [("Kommunedirektør", "Integreringsansvarlig", "Skolesjef")[i % 3] for i in range(n)],
        "storrelse": [("Under 5 000", "5 000-20 000", "Over 20 000")[i % 3] for i in range(n)],
        "svar": [f"Svar nummer {i} om boliger og arbeid." for i in range(n)],
    }).to_csv(survey, index=False)
    mapping = SurveyMapping(text=("svar",), id="id", role="rolle", attrs=("storrelse",), wave="2025")
    store.import_survey(survey, mapping)
    store.save_codebook(load_codebook(CODEBOOK), "kari")
    segments = clean_answers(load_answers(survey, mapping)).drop(columns="answer_text")
    segments = segments.assign(theme_id=0, outlier=False)
    manifest = {"input": {"file": survey.name, "sha256": hashlib.sha256(survey.read_bytes()).hexdigest()}}
    run_id = store.save_run(RunResult(segments, pd.DataFrame(columns=["question", "theme_id"]), manifest))
    ids = store.segments(run_id, question="svar")["segment_id"].tolist()
    for segment in ids[:200]:
        store.add_coding(segment, "bolig", "kari", 1)
    store.add_coding(ids[5000], "arbeidsmarked", "kari", 1)
    table = store.segments(run_id, question="svar")
    coded = store.current_codings(question="svar", coder="kari")
    assert len(table) == n and len(coded) == 201
