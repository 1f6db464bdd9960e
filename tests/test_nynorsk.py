"""Nynorsk answers (issue 20): each answer's written standard recorded, Nynorsk read as Bokmål by
the machine (Apertium) and shown as written to people; without Apertium a run still works and
says Nynorsk was not normalised."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fritekst.cli import app
from fritekst.embed.cache import EmbeddingCache
from fritekst.erasure import forget_embeddings
from fritekst.language import detect_language, detect_languages, language_counts
from fritekst.nynorsk import bokmal_readings, codebook_readings, in_nynorsk
from fritekst.run_table import read_run
from fritekst.store import open_store
from fritekst.themes import keyword_tokens
from fritekst.workspace import CodingFilters, filter_queue

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None,
                                    reason="Apertium is not installed (make system installs apertium-nno-nob)")

# Written for these tests: what municipal respondents write, in both standards.
BOKMAL = [
    "Vi trenger flere boliger til flyktningene som kommer.",
    "Det er vanskelig å finne boliger i kommunen vår.",
    "Mangel på egnede boliger er det største hinderet.",
    "Boligmarkedet er trangt og husleiene er høye.",
    "Voksenopplæringen har for lite kapasitet.",
    "Vi trenger mer støtte til voksenopplæring og norskopplæring.",
    "Det er vanskelig å skaffe tolk når vi har behov for det.",
    "Tolketjenesten fungerer dårlig i små kommuner.",
]
NYNORSK = [
    "Vi manglar bustader til flyktningane som kjem hit.",
    "Det er vanskeleg å finne bustad i kommunen vår.",
    "Bustadmarknaden er trong og husleigene er høge.",
    "Vaksenopplæringa har for lite kapasitet og treng fleire lærarar.",
    "Det er vanskeleg å skaffe tolk når vi treng det.",
    "Små kommunar får ikkje tak i kvalifiserte tolkar.",
]
ENGLISH = ["We need more housing for the refugees who arrive.", "The interpreter services are too expensive."]
OTHER = ["Нам потрібно більше житла", "123"]
MIXED = ("Eg meiner at kommunen må satse meir på vaksenopplæring, det har vi sagt lenge. "
         "Vi trenger også flere boliger og et bedre samarbeid med NAV.")

CODEBOOK = """\
name: Testkodebok
version: 1
language: nb
categories:
  - id: bolig
    label: Bolig
    description: Mangel på boliger, boligmarkedet og husleie.
    keywords: [bolig, husleie, boligmarked]
  - id: tolk
    label: Tolk
    description: Tolketjenester og tilgang på kvalifiserte tolker.
    keywords: [tolk, tolketjeneste]
  - id: voksenopplaering
    label: Voksenopplæring
    description: Voksenopplæring og norskopplæring for voksne.
    keywords: [voksenopplæring, norskopplæring]
"""


@pytest.fixture(autouse=True)
def _no_pipeline_state_left_behind():
    """`quotes` and `report` run in-process attach this test's cache to the loaded pipeline, whose
    vocabulary then keeps the word forms it met: later tests (the erasure of word forms) must get
    a fresh pipeline, as after tests/test_quotes.py."""
    yield
    from fritekst import nlp

    nlp.use_embedding_cache(None)
    nlp.load_pipeline.cache_clear()


def test_each_answer_gets_its_written_standard():
    assert detect_languages(BOKMAL) == ["nb"] * len(BOKMAL)
    assert detect_languages(NYNORSK) == ["nn"] * len(NYNORSK)
    assert detect_languages(ENGLISH) == ["en"] * len(ENGLISH)
    assert detect_languages(OTHER) == ["other"] * len(OTHER)
    assert detect_language(MIXED) == "mixed"
    # a word both standards write alike is the common case; a blank answer has no standard
    assert [detect_language(t) for t in ("NAV", "Bolig", "Tolk", "", "  ")] == ["nb", "nb", "nb", "", ""]
    assert language_counts(["nb", "nn", "nn", ""]) == {"nb": 1, "nn": 2, "en": 0, "other": 0, "mixed": 0}


@needs_apertium
def test_bokmal_and_nynorsk_forms_of_a_word_become_one_keyword_lemma():
    pairs = [("Vi har for få boliger.", "Vi har for få bustader."),
             ("Små kommuner sliter.", "Små kommunar slit."),
             ("Voksenopplæringen er god.", "Vaksenopplæringa er god.")]
    texts = [text for pair in pairs for text in pair]
    readings = bokmal_readings(texts, detect_languages(texts))
    assert readings.note == "normalised" and readings.translator.startswith("Apertium")
    assert readings.texts[0::2] == texts[0::2]  # Bokmål is read as written
    tokens = keyword_tokens(readings.texts)
    for word, (bokmal, nynorsk) in zip(["bolig", "kommune", "voksenopplæring"], zip(tokens[0::2], tokens[1::2])):
        assert any(token.startswith(word) for token in set(bokmal) & set(nynorsk)), (bokmal, nynorsk)
    # and shown in Nynorsk for a theme of Nynorsk answers
    assert in_nynorsk(["bolig", "kommune", "voksenopplæring", "IMDi"]) == ["bustad", "kommune", "vaksenopplæring", "IMDi"]


@needs_apertium
def test_a_nynorsk_codebook_is_read_as_bokmal_and_a_bokmal_one_as_written():
    bokmal = ["Bolig", "Bolig: Mangel på boliger og høy husleie.", "bolig, husleie", "bolig", "husleie"]
    nynorsk = ["Bustad", "Bustad: Manglande bustader og høg husleige.", "bustad, husleige", "bustad", "husleige"]
    assert codebook_readings(bokmal) == bokmal
    read = codebook_readings(nynorsk)
    assert read[0] == "Bolig" and read[3] == "bolig" and "boliger" in read[1]


def _survey(tmp_path: Path) -> Path:
    texts = BOKMAL + NYNORSK + ENGLISH + [MIXED, "vet ikke", ""]
    table = pd.DataFrame({"respondent": [f"r{i:02d}" for i in range(len(texts))],
                          "rolle": ["integreringsansvarlig", "kommunedirektør"] * (len(texts) // 2) + ["skolesjef"] * (len(texts) % 2),
                          "svar": texts})
    path = tmp_path / "undersokelse.csv"
    table.to_csv(path, index=False)
    (tmp_path / "kodebok.yaml").write_text(CODEBOOK, encoding="utf-8")
    return path


def _run(tmp_path: Path, survey: Path, out: str, *extra: str):
    """A run with the bundled e5 model (the answers' readings are what it embeds)."""
    result = CliRunner().invoke(app, ["run", str(survey), "--text", "svar", "--id", "respondent", "--role", "rolle",
                                      "--codebook", str(tmp_path / "kodebok.yaml"),
                                      "--cache", str(tmp_path / "cache.sqlite"), "--out", str(tmp_path / out),
                                      "--min-themes", "3", *extra])
    assert result.exit_code == 0, result.output
    return result, read_run(tmp_path / out)


@needs_apertium
def test_a_run_reads_nynorsk_as_bokmal_and_shows_every_answer_as_written(tmp_path):
    survey = _survey(tmp_path)
    result, run = _run(tmp_path, survey, "run", "--db", str(tmp_path / "prosjekt.db"))
    written = pd.read_csv(survey, dtype=str, keep_default_na=False)
    table = run.assignments.merge(written, left_on="id", right_on="respondent")
    assert (table["text"] == table["svar"]).all()  # the answer as written, Nynorsk included
    raw = (tmp_path / "run" / "assignments.csv").read_text(encoding="utf-8")
    assert "Vi manglar bustader til flyktningane som kjem hit." in raw and "Vi mangler boliger" not in raw
    language = dict(zip(table["svar"], table["language"]))
    assert [language[t] for t in NYNORSK] == ["nn"] * len(NYNORSK)
    assert [language[t] for t in BOKMAL] == ["nb"] * len(BOKMAL)
    assert language[MIXED] == "mixed" and language[""] == ""
    manifest = run.manifest
    assert manifest["counts"]["languages"] == {"nb": 8, "nn": 6, "en": 2, "other": 0, "mixed": 1}
    assert manifest["nynorsk"]["normalised"] is True and manifest["nynorsk"]["answers"] == 7
    assert manifest["nynorsk"]["translator"].startswith("Apertium ")
    assert "Nynorsk read as Bokmål by Apertium" in " ".join(result.output.split())
    # the Bokmål codebook codes the Nynorsk answers too
    codes = dict(zip(table["svar"], table["code_id"]))
    assert codes["Vi manglar bustader til flyktningane som kjem hit."] == "bolig"
    assert codes["Små kommunar får ikkje tak i kvalifiserte tolkar."] == "tolk"
    # the store keeps each answer's standard, and the coders' queue filters by it
    with open_store(tmp_path / "prosjekt.db") as store:
        segments = store.segments()
    assert dict(zip(segments["text"], segments["language"])) == language
    queue = segments.assign(my_code="", confidence=0.0, _search=segments["text"].str.casefold())
    shown = filter_queue(queue, CodingFilters(languages=("nn",)))
    assert sorted(shown["text"]) == sorted(NYNORSK)
    # quotes and the report print the answers as written
    quotes = CliRunner().invoke(app, ["quotes", str(tmp_path / "run"), "--category", "bolig", "-k", "5",
                                      "--names", "list"])
    assert quotes.exit_code == 0, quotes.output
    assert "bustad" in quotes.output.casefold() and "Jeg " not in quotes.output
    report = CliRunner().invoke(app, ["report", str(tmp_path / "run"), "--out", str(tmp_path / "rapport.md"),
                                      "--names", "list"])
    assert report.exit_code == 0, report.output
    text = (tmp_path / "rapport.md").read_text(encoding="utf-8")
    assert "bustad" in text.casefold()
    for reading in bokmal_readings(NYNORSK, ["nn"] * len(NYNORSK)).texts:
        assert reading not in text


@needs_apertium
def test_readings_are_cached_and_forgotten_with_the_answer(tmp_path):
    survey = _survey(tmp_path)
    _, first = _run(tmp_path, survey, "first")
    _, second = _run(tmp_path, survey, "second")
    assert first.manifest["nynorsk"]["translated"] == 7 and second.manifest["nynorsk"]["from_cache"] == 7
    pd.testing.assert_frame_equal(first.assignments, second.assignments)
    pd.testing.assert_frame_equal(first.themes, second.themes)
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    answer = NYNORSK[0]
    reading = cache.translated([answer])
    assert reading == [bokmal_readings([answer], ["nn"]).texts[0]]
    cache.close()
    forget_embeddings([answer], tmp_path / "cache.sqlite")
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    assert cache.translated([answer]) == []
    cache.close()


def test_written_standards_are_kept_in_the_cache_read_back_and_forgotten(tmp_path):
    """A warm re-run reads each answer's standard (a quarter of a warm 10 000-answer run was detection)."""
    import sqlite3

    from fritekst.language import detector_fingerprint

    texts = ["Vi treng fleire bustader i kommunen.", "Vi trenger flere boliger.", "Vi treng fleire bustader i kommunen.",
             "We need more housing."]
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    try:
        assert detect_languages(texts, cache) == ["nn", "nb", "nn", "en"] == detect_languages(texts)
        with sqlite3.connect(tmp_path / "cache.sqlite") as db:
            rows = db.execute("SELECT detector, standard FROM standard ORDER BY standard").fetchall()
            assert rows == [(detector_fingerprint(), s) for s in ("en", "nb", "nn")]
            # What the cache holds is what the next run uses: the second answer planted as Nynorsk.
            db.execute("UPDATE standard SET standard = 'nn' WHERE standard = 'nb'")
        assert detect_languages(texts, cache) == ["nn", "nn", "nn", "en"]
    finally:
        cache.close()
    forget_embeddings([texts[1]], tmp_path / "cache.sqlite")
    with sqlite3.connect(tmp_path / "cache.sqlite") as db:
        assert sorted(s for (s,) in db.execute("SELECT standard FROM standard")) == ["en", "nn"]


def test_without_apertium_a_run_works_and_says_nynorsk_was_not_normalised(tmp_path, monkeypatch):
    survey = _survey(tmp_path)
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no apertium to be found, as on a machine without it
    result, run = _run(tmp_path, survey, "run")
    nynorsk = run.manifest["nynorsk"]
    assert nynorsk["normalised"] is False and nynorsk["translator"] is None and nynorsk["answers"] == 7
    assert "not installed" in nynorsk["note"]
    assert ("Nynorsk not normalised: Apertium (Debian package apertium-nno-nob) is not installed"
            in " ".join(result.output.split()))
    written = pd.read_csv(survey, dtype=str, keep_default_na=False)
    assert sorted(run.assignments["text"]) == sorted(written["svar"])
    assert run.manifest["counts"]["languages"]["nn"] == 6


def test_the_language_filter_keeps_exactly_the_chosen_standards():
    queue = pd.DataFrame({"text": ["a", "b", "c", "d"], "language": ["nb", "nn", "en", "nn"], "role": "x",
                          "wave": "", "theme_id": 0, "my_code": "", "confidence": 0.0, "needs_coder": False,
                          "_search": ["a", "b", "c", "d"]})
    assert list(filter_queue(queue, CodingFilters(languages=("nn",)))["text"]) == ["b", "d"]
    assert list(filter_queue(queue, CodingFilters(languages=("nb", "en")))["text"]) == ["a", "c"]
    assert len(filter_queue(queue.drop(columns="language"), CodingFilters(languages=("nn",)))) == 0


@needs_apertium
def test_a_theme_of_nynorsk_answers_shows_its_keywords_in_nynorsk(tmp_path):
    housing = ["Vi manglar bustader til flyktningane som kjem hit.", "Det er vanskeleg å finne bustad i kommunen vår.",
               "Bustadmarknaden er trong og husleigene er høge.", "Kommunen har for få bustader til store familiar.",
               "Vi treng fleire kommunale bustader.", "Det finst nesten ingen ledige bustader å leige."]
    interpreters = ["Det er vanskelig å skaffe tolk når vi har behov for det.", "Tolketjenesten fungerer dårlig i små kommuner.",
                    "Vi mangler kvalifiserte tolker på mange språk.", "Tolkene kommer ofte for sent til avtalene.",
                    "Skjermtolking fungerer dårlig for foreldresamtaler.", "Det er for dyrt å bruke tolk."]
    texts = housing + interpreters
    survey = tmp_path / "svar.csv"
    pd.DataFrame({"respondent": [f"r{i:02d}" for i in range(len(texts))], "svar": texts}).to_csv(survey, index=False)
    result = CliRunner().invoke(app, ["run", str(survey), "--text", "svar", "--id", "respondent",
                                      "--cache", str(tmp_path / "cache.sqlite"), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    run = read_run(tmp_path / "run")
    theme_of = dict(zip(run.assignments["text"], run.assignments["theme_id"]))
    keywords = dict(zip(run.themes["theme_id"], run.themes["keywords"].str.split(", ")))
    label = dict(zip(run.themes["theme_id"], run.themes["label"]))
    assert "bustad" in keywords[theme_of[housing[0]]] and "bolig" not in keywords[theme_of[housing[0]]]
    assert label[theme_of[housing[0]]].startswith("Bustad")
    assert "tolk" in keywords[theme_of[interpreters[0]]]  # a Bokmål theme keeps Bokmål
    marked = dict(zip(run.themes["theme_id"], run.themes["marked_keywords"].str.split(", ")))
    for theme in run.themes["theme_id"]:  # marked keywords are spelt as the keywords they mark, Nynorsk too
        assert set(filter(None, marked[theme])) <= set(keywords[theme]), (marked[theme], keywords[theme])
    assert any(filter(None, marked[theme_of[housing[0]]])), keywords  # «kommune», «stor» are generic
