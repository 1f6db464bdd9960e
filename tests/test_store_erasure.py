"""Erasure (GDPR art. 17) and retention: after `fritekst forget` no byte of the store, no dump of it,
no cached vector and no report holds the respondent's text, and counts drop by exactly them.

The survey is the example survey with one respondent's answers made unmistakable (words found
nowhere else), run for real with the bundled e5 model into an embedding cache of its own.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fritekst.cli import app
from fritekst.embed.cache import text_key
from fritekst.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
MAPPING = ROOT / "examples" / "demo.yaml"
CODEBOOK = ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"

ANSWER = "Saksbehandler Xylofonsen Kvistbråten lovte svar om bosettingen innen fredag"
SECOND = "Vi ringte Xylofonsen på 41234567 om boliger til familiene"
MEMO = "Notat: Zebrafjellet-saken må følges opp"
NOTE = "Avgjort etter samtale med Quorndalen"
PLANTED = ("Xylofonsen", "Kvistbråten", "41234567", "Zebrafjellet", "Quorndalen")


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """(survey CSV, run result, the planted respondent's id, another respondent's id, cache file)."""
    from fritekst.embed import EmbeddingCache
    from fritekst.run import run_and_save
    from fritekst.settings import build_run_config

    folder = tmp_path_factory.mktemp("erasure")
    table = pd.read_excel(EXAMPLE, dtype=str).iloc[1:]  # row 1 holds the question texts
    both = table[table["q12_bistand"].notna() & table["q17_barrierer"].notna()]
    person, other = both.index[-2], both.index[-1]
    table.loc[person, "q12_bistand"] = ANSWER
    table.loc[person, "q17_barrierer"] = SECOND
    survey = folder / "undersokelse.csv"
    table.to_csv(survey, index=False, quoting=csv.QUOTE_MINIMAL)
    cache = folder / "embeddings.sqlite"
    config = build_run_config(config_file=MAPPING, embedder="e5-small", codebook=CODEBOOK)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FRITEKST_MODELS_DIR", str(tmp_path_factory.mktemp("no-models")))
        opened = EmbeddingCache(cache)
        result = run_and_save(survey, config, out=folder / "out", cache=opened)[0]
        opened.close()  # its -wal merged into the file, which each store's test copies
    return survey, result, str(table.loc[person, "respondent_id"]), str(table.loc[other, "respondent_id"]), cache


@pytest.fixture(params=["sqlite", "postgresql"])
def planted_store(request, planted, tmp_path):
    """A store holding the planted survey and its run, a memo, a quote flag, a settled code and
    a codebook example holding the planted text: (url, cluster or None, a copy of the cache)."""
    import shutil

    from fritekst.store import open_store
    from fritekst.survey import load_mapping

    survey, result, person, _, _ = planted
    cluster = request.getfixturevalue("postgres_cluster") if request.param == "postgresql" else None
    url = cluster.new_database() if cluster else str(tmp_path / "prosjekt")
    with open_store(url) as store:
        store.import_survey(survey, load_mapping(MAPPING), survey="kommune")
        store.save_run(result, survey="kommune")
        segments = store.segments()
        mine = segments[segments["id"] == person]
        codebook = store.codebook()
        codable = codebook.codable()
        code = codable[1].id
        first = int(mine["segment_id"].iloc[0])
        store.add_coding(first, code, coder="kari", codebook_version=codebook.version, memo=MEMO, quote_candidate=True)
        store.add_coding(first, codable[2].id, coder="ola", codebook_version=codebook.version)
        store.settle(first, code, adjudicator="per", codebook_version=codebook.version, note=NOTE)
        edited = codebook.model_copy(update={"categories": tuple(
            c.model_copy(update={"examples": (*c.examples, ANSWER)}) if c.id == code else c
            for c in codebook.categories)})
        store.save_codebook(edited, author="per", expected_version=codebook.version)
    cache = shutil.copy(planted[4], tmp_path / "embeddings.sqlite")
    yield url, cluster, Path(cache)
    if cluster:
        cluster.drop_database(url)


def _everything(url: str, cluster) -> bytes:
    """Every byte the store keeps: the SQLite file and its -wal, or a full pg_dump."""
    if cluster is not None:
        return cluster.dump(url).encode("utf-8")
    folder = Path(url)
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.name.startswith("fritekst.db"))


def _answered(url: str, out: Path) -> dict[str, int]:
    from fritekst.report import ReportConfig, report_from_run

    report = report_from_run(url, out, config=ReportConfig(wave="all"), force=True)
    return {q.question: q.answered + q.non_answers for q in report.questions}


def test_forget_leaves_no_byte_of_the_respondent_and_counts_drop_by_them(planted, planted_store, tmp_path):
    from fritekst.store import open_store

    url, cluster, cache = planted_store
    _, _, person, other, _ = planted
    before_bytes = _everything(url, cluster)
    assert all(word.encode() in before_bytes for word in PLANTED)  # the test sees them where they are
    before = _answered(url, tmp_path / "før.md")
    with open_store(url) as store:
        segments = store.segments()
        mine = set(segments.loc[segments["id"] == person, "text"]) - {""}
        kept_text = segments.loc[segments["id"] == other, "text"].iloc[0]
        coded = len(store.codings())
        my_codings = len(store.codings()[store.codings()["segment_id"].isin(
            segments.loc[segments["id"] == person, "segment_id"])])
    with sqlite3.connect(cache) as db:
        cached = {key for (key,) in db.execute("SELECT text_sha256 FROM embedding")}
        lemmatised = {key for (key,) in db.execute("SELECT text_sha256 FROM lemmas")}
        screened = {key for (key,) in db.execute("SELECT text_sha256 FROM findings")}
    assert {text_key(text) for text in mine} <= cached and text_key(kept_text) in cached
    assert {text_key(text) for text in mine} <= lemmatised and text_key(kept_text) in lemmatised  # the run's keywords
    assert {text_key(text) for text in mine} <= screened and text_key(kept_text) in screened  # names kept out of them

    result = CliRunner().invoke(app, ["forget", "--db", url, "--respondent", person, "--reason", "sak 2026/114",
                                      "--cache", str(cache)])
    assert result.exit_code == 0, result.output
    assert "erased: 1 respondents, 3 answers, 3 segments" in result.output

    found = _everything(url, cluster)
    assert [word for word in PLANTED if word.encode() in found] == []
    with sqlite3.connect(cache) as db:
        left = {key for (key,) in db.execute("SELECT text_sha256 FROM embedding")}
        lemmas_left = {key for (key,) in db.execute("SELECT text_sha256 FROM lemmas")}
        screened_left = {key for (key,) in db.execute("SELECT text_sha256 FROM findings")}
    assert not {text_key(text) for text in mine} & (left | lemmas_left | screened_left)
    assert text_key(kept_text) in left and text_key(kept_text) in lemmas_left and text_key(kept_text) in screened_left
    assert [word for word in PLANTED if word.encode() in cache.read_bytes()] == []
    after = _answered(url, tmp_path / "etter.md")
    assert {q: before[q] - after[q] for q in before} == {"q12_bistand": 1, "q17_barrierer": 1, "q23_samarbeid": 0}
    with open_store(url) as store:
        assert person not in set(store.segments()["id"])
        assert other in set(store.segments()["id"])
        assert len(store.codings()) == coded - my_codings  # only theirs went
        log = store.audit_log()
    erasure = log[log["action"] == "forget"]
    assert len(erasure) == 1
    entry = erasure.iloc[0]
    assert entry["after"]["reason"] == "sak 2026/114" and entry["after"]["removed"]["codings"] == my_codings
    assert person not in str(entry["after"])  # only a fingerprint of the id
    with open_store(url) as store:
        export = store.export_run(tmp_path / "eksport")
    assembled = (export / "assignments.csv").read_text(encoding="utf-8")
    assert not any(word in assembled for word in PLANTED)


def test_append_only_still_holds_outside_an_erasure(planted_store):
    from sqlalchemy import text

    from fritekst.store import open_store

    url, _, _ = planted_store
    with open_store(url) as store:
        for statement in ("UPDATE codings SET memo = 'x'", "DELETE FROM audit_log", "DELETE FROM adjudications"):
            with pytest.raises(Exception, match="append-only"), store.engine.begin() as connection:
                connection.execute(text(statement))
        assert len(store.codings()) > 0


def test_forget_refuses_an_unknown_respondent_and_a_missing_reason(planted_store):
    from fritekst.store import open_store

    url, _, _ = planted_store
    with open_store(url) as store:
        log = len(store.audit_log())
        with pytest.raises(InputError, match="no respondent 'R-finnes-ikke'"):
            store.forget("R-finnes-ikke", reason="sak 1")
        person = str(store.segments()["id"].iloc[3])
        with pytest.raises(InputError, match="say why"):
            store.forget(person, reason="  ")
        assert len(store.audit_log()) == log
        assert person in set(store.segments()["id"])


def test_retention_dry_run_lists_and_changes_nothing_then_empties_text_keeping_counts(planted_store, tmp_path):
    import datetime

    from fritekst.erasure import apply_retention
    from fritekst.store import open_store

    url, cluster, _ = planted_store
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=800)
    before = _answered(url, tmp_path / "før.md")
    none, listing, _ = apply_retention(url, "24m", dry_run=True, use_cache=False)
    assert listing == []  # imported today: nothing is 24 months old
    erasure, listing, _ = apply_retention(url, "24m", dry_run=True, use_cache=False, now=later)
    assert sum(row["answers"] for row in listing) > 100 and erasure.memos == 1
    assert any(word.encode() in _everything(url, cluster) for word in PLANTED)  # dry: nothing changed
    erasure, _, _ = apply_retention(url, "24m", reason="slettes 24 mnd etter publisering", use_cache=False, now=later)
    assert [word for word in PLANTED if word.encode() in _everything(url, cluster)] == []
    assert _answered(url, tmp_path / "etter.md") == before
    with open_store(url) as store:
        assert set(store.answers()["text"]) == {""}
        assert store.audit_log()["action"].iloc[-1] == "redact"


def test_a_new_project_folder_and_its_store_are_the_owner_s_alone(tmp_path):
    """Answers are personal data: a new project folder is 0700, its store and the store's -wal
    and -shm files 0600, whatever the umask lets others read; so is a new embedding cache."""
    import os
    import stat

    from fritekst.embed import EmbeddingCache
    from fritekst.store import open_store
    from fritekst.survey import load_mapping

    old = os.umask(0o022)
    try:
        with open_store(tmp_path / "prosjekt") as store:
            store.import_survey(EXAMPLE, load_mapping(MAPPING))
            files = sorted((tmp_path / "prosjekt").iterdir())
            modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in files}
        EmbeddingCache(tmp_path / "cache" / "embeddings.sqlite").close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "prosjekt").stat().st_mode) == 0o700
    assert {"fritekst.db", "fritekst.db-wal"} <= set(modes) and set(modes.values()) == {0o600}
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "cache" / "embeddings.sqlite").stat().st_mode) == 0o600


def test_forgetting_an_answer_removes_the_vectors_of_the_word_forms_the_recogniser_met(tmp_path):
    """Masking quotes, role and attribute values embeds each unseen word form (a surname is one)
    into the cache; an erasure must take those too, and leave another answer's forms alone."""
    from fritekst import nlp
    from fritekst.embed import EmbeddingCache
    from fritekst.erasure import forget_embeddings
    from fritekst.word_vectors import FACTORY

    # A fresh pipeline: one an earlier test loaded has keyed these forms already and would not embed them again
    # (and the planted run may have left the blank pipeline loaded, under its empty models folder).
    nlp.load_pipeline.cache_clear()
    if FACTORY not in nlp.load_pipeline().pipe_names:
        pytest.skip("the pipeline has no word-vector component")
    path = tmp_path / "embeddings.sqlite"
    answer = "Saksbehandler Trompetsen Grøndølås ringte om bosettingen"  # forms no other test pipes
    kept = "Brevet fra Plumbåsen kom i går"
    value = "Kontakt Fløytebergsen"  # a role as the respondent typed it
    cache = EmbeddingCache(path)
    nlp.use_embedding_cache(cache)
    try:
        list(nlp.load_pipeline().pipe([answer, kept, value]))
    finally:
        nlp.use_embedding_cache(None)
        cache.close()
    with sqlite3.connect(path) as db:
        before = {key for (key,) in db.execute("SELECT text_sha256 FROM embedding")}
    assert {text_key("Trompetsen"), text_key("Grøndølås"), text_key("Plumbåsen"), text_key("Fløytebergsen")} <= before

    assert forget_embeddings([answer], path, screened=[value]) > 0
    with sqlite3.connect(path) as db:
        after = {key for (key,) in db.execute("SELECT text_sha256 FROM embedding")}
    assert not {text_key("Trompetsen"), text_key("Grøndølås"), text_key("Fløytebergsen")} & after
    assert text_key("Plumbåsen") in after


@pytest.mark.parametrize("planted_store", ["sqlite"], indirect=True)
def test_forget_takes_what_reports_kept_of_the_respondents_values_and_of_labels_it_rewrites(planted, planted_store,
                                                                                           tmp_path):
    """A report keeps the screen's findings of the role and attribute values it prints, and of theme
    labels, in the embedding cache (so the next report runs no entity recogniser over them); forget
    removes the rows of the respondent's values and of each label it rewrote, and leaves other
    respondents' values."""
    from fritekst.embed import EmbeddingCache
    from fritekst.privacy import Screen
    from fritekst.report import ReportConfig, report_from_run
    from fritekst.store import open_store

    url, _, cache = planted_store
    _, _, person, _, _ = planted
    label = "Xylofonsen-saken"
    with open_store(url) as store:
        theme = store.themes().iloc[-1]
        store.rename_theme(int(store.runs()["run_id"].iloc[-1]), theme["question"], int(theme["theme_id"]), label,
                           actor="per")
        segments = store.segments()
    columns = ["role", "kommunenr", "kommune", "storrelse", "sentralitet", "landsdel", "bosetter_flyktninger"]
    values = lambda rows: {v for v in rows[columns].to_numpy().ravel() if isinstance(v, str) and v.strip()}  # noqa: E731
    mine = values(segments[segments["id"] == person])
    others = values(segments[segments["id"] != person]) - mine
    assert "Skien" in mine and others  # their kommune; values no other respondent has
    report_from_run(url, tmp_path / "rapport.md", config=ReportConfig(wave="all"), cache=cache)
    opened = EmbeddingCache(cache)  # as a report that printed the label would (this run's themes are split)
    Screen().find([label], opened)
    opened.close()

    def kept(table: str) -> set[str]:
        with sqlite3.connect(cache) as db:
            return {key for (key,) in db.execute(f"SELECT text_sha256 FROM {table}")}

    keys = lambda texts: {text_key(text) for text in texts}  # noqa: E731
    assert keys(mine | {label}) <= kept("findings") and keys(others) <= kept("findings")
    result = CliRunner().invoke(app, ["forget", "--db", url, "--respondent", person, "--reason", "sak 2026/114",
                                      "--cache", str(cache)])
    assert result.exit_code == 0, result.output
    assert not keys(mine | {label}) & kept("findings")
    assert keys(others) <= kept("findings")


def test_forget_rewrites_a_broad_theme_label_holding_the_respondent_s_word_and_no_other(planted, tmp_path):
    """A broad theme's label (``parent_label``, printed by the report's «Temaer» table) holding a
    word only the erased respondent wrote is rewritten on every row of the broad theme, as a
    theme's own label is; every other row keeps its broad label, and the old label is among the
    texts whose cached privacy findings go."""
    import dataclasses

    from fritekst.erasure import forget_respondent
    from fritekst.report._tables import theme_table
    from fritekst.store import open_store
    from fritekst.survey import load_mapping

    survey, result, person, _, _ = planted
    themes = result.themes.copy()
    q12 = themes[themes["question"] == "q12_bistand"]
    split = q12["parent_theme"].value_counts()
    broad = int(q12.loc[q12["parent_theme"].isin(split.index[split > 1]), "parent_theme"].iloc[-1])
    chosen = (themes["question"] == "q12_bistand") & (themes["parent_theme"] == broad)
    assert chosen.sum() > 1 and broad != int(q12["parent_theme"].iloc[0])  # a split broad theme, not the first
    planted_label = "Kvistbråten og bistand"
    themes.loc[chosen, "parent_label"] = planted_label
    url = str(tmp_path / "prosjekt")
    with open_store(url) as store:
        store.import_survey(survey, load_mapping(MAPPING), survey="kommune")
        store.save_run(dataclasses.replace(result, themes=themes), survey="kommune")
        shown = theme_table(store.segments(question="q12_bistand"), store.themes(question="q12_bistand")).frame
        sub_theme = int(themes.loc[chosen, "theme_id"].iloc[-1])  # a coder's rename logs the row, broad label too
        store.rename_theme(int(store.runs()["run_id"].iloc[-1]), "q12_bistand", sub_theme, "Bistand", actor="per")
        before = store.themes().set_index(["question", "theme_id"])
        assert planted_label in str(store.audit_log()["before"].tolist())
    assert planted_label in set(shown["Tema"])

    erasure, _ = forget_respondent(url, person, reason="sak 2026/114", use_cache=False)
    with open_store(url) as store:
        after = store.themes().set_index(["question", "theme_id"])
        table = theme_table(store.segments(question="q12_bistand"), store.themes(question="q12_bistand")).frame
    changed = after.index[after["parent_label"] != before.loc[after.index, "parent_label"]]
    assert sorted(changed) == sorted(zip(themes.loc[chosen, "question"], themes.loc[chosen, "theme_id"].astype(int)))
    new_label = after.loc[changed, "parent_label"].unique()
    assert len(new_label) == 1 and "Kvistbråten" not in new_label[0] and new_label[0]
    assert planted_label not in set(table["Tema"]) and new_label[0] in set(table["Tema"])
    assert planted_label in erasure.screened  # its cached findings go with the label
    with open_store(url) as store:
        log = store.audit_log()
    assert "Kvistbråten" not in str(log[["before", "after"]].to_numpy().tolist())
