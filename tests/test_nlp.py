"""Tests for fritekst.nlp: pipeline choice, lemmas, stop words, keyword tokens."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import spacy

from fritekst import nlp


@pytest.fixture
def no_installed_models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Pretend no nb_core_news package is installed and point models/ at an empty folder."""
    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("FRITEKST_MODELS_DIR", str(models))
    nlp.load_pipeline.cache_clear()
    yield models
    nlp.load_pipeline.cache_clear()


# ------------------------------------------------------------ pipeline choice


def test_falls_back_to_blank_nb_with_lookup_lemmatizer(no_installed_models: Path) -> None:
    assert nlp.pipeline_source() == "blank"
    pipeline = nlp.load_pipeline()
    assert pipeline.lang == "nb"
    assert pipeline.pipe_names == [nlp.LOOKUP_LEMMATIZER]
    assert [t.lemma_ for t in pipeline("Boligene i kommunene")] == ["bolig", "i", "kommune"]
    assert nlp.load_pipeline() is pipeline  # cached


def test_installed_package_wins_largest_first(no_installed_models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spacy.blank("nb").to_disk(no_installed_models / "nb_fritekst")
    installed = {"nb_core_news_sm", "nb_core_news_md"}
    monkeypatch.setattr(nlp, "_is_package", lambda name: name in installed)
    assert nlp.pipeline_source() == "nb_core_news_md"


def test_local_pipeline_in_models_dir_comes_before_blank(no_installed_models: Path) -> None:
    (no_installed_models / "e5-small").mkdir()  # an embedder folder, not a spaCy pipeline
    (no_installed_models / "e5-small" / "config.json").write_text("{}")
    spacy.blank("en").to_disk(no_installed_models / "a_english")  # wrong language
    spacy.blank("nb").to_disk(no_installed_models / "b_norsk")
    spacy.blank("nb").to_disk(no_installed_models / "nb_fritekst")
    assert nlp.pipeline_source() == no_installed_models / "nb_fritekst"
    assert nlp.find_local_pipeline(no_installed_models / "b_norsk") == no_installed_models / "b_norsk"
    assert nlp.find_local_pipeline(no_installed_models / "missing") is None


def test_whether_the_pipeline_recognises_entities_is_read_from_its_config(no_installed_models: Path) -> None:
    from fritekst.privacy import spacy_ner_available

    with_ner = spacy.blank("nb")
    with_ner.add_pipe("ner")
    with_ner.to_disk(no_installed_models / "nb_fritekst")
    assert spacy_ner_available()
    spacy.blank("nb").to_disk(no_installed_models / "nb_fritekst")
    assert not spacy_ner_available()
    config = no_installed_models / "nb_fritekst" / "config.cfg"
    config.write_text(config.read_text().replace('pipeline = []', 'pipeline = ["tok2vec", "ner"'))  # broken JSON
    assert nlp.pipeline_source() == no_installed_models / "nb_fritekst" and not spacy_ner_available()


def test_asking_whether_the_shipped_pipeline_recognises_entities_does_not_import_spacy() -> None:
    """spaCy, with thinc and torch, takes 1.5 s to import: a report whose findings are cached needs none of it."""
    import subprocess
    import sys

    code = "import sys; from fritekst.privacy import spacy_ner_available; print(spacy_ner_available(), 'spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split() == ["True", "False"]


def test_a_trained_lemmatizer_is_used_when_the_pipeline_has_one(no_installed_models: Path) -> None:
    from spacy.lookups import Lookups

    trained = spacy.blank("nb")
    lemmatizer = trained.add_pipe("lemmatizer", config={"mode": "lookup"})
    lookups = Lookups()
    lookups.add_table("lemma_lookup", {"Boligene": "boligX", "kommunane": "kommuneX"})
    lemmatizer.initialize(lookups=lookups)
    trained.to_disk(no_installed_models / "nb_fritekst")

    assert nlp.lemmatise(["Boligene i kommunane", "Boligene i kommunane"]) == [["boligx", "i", "kommunex"]] * 2


# --------------------------------------------------------------------- lemmas


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("boligene", "bolig"),
        ("kommunene", "kommune"),
        ("flyktninger", "flyktning"),
        ("trenger", "trenge"),
        ("tolkene", "tolk"),
        ("utfordringer", "utfordring"),
        ("samarbeidet", "samarbeid"),  # override: the table says "samarbeide"
        ("saker", "sak"),  # override: the table says "sake"
        ("har", "ha"),
        ("vi", "vi"),  # a stop word keeps its form, not the verb "vie"
        ("nav-kontoret", "nav-kontor"),  # compound not in Ordbank: last part
        ("kommunens", "kommune"),  # genitive not in Ordbank
        ("imdi's", "imdi"),
        ("xyzzy", "xyzzy"),
    ],
)
def test_lemma_of_bokmaal_forms(form: str, lemma: str) -> None:
    assert nlp.lemma_of(form) == lemma


def test_lemmatise_tokenises_and_lower_cases(no_installed_models: Path) -> None:
    result = nlp.lemmatise(["Boligene i kommunene trenger flyktninger.", "", "Vi ønsker f.eks. tolk"])
    assert result == [
        ["bolig", "i", "kommune", "trenge", "flyktning", "."],
        [],
        ["vi", "ønske", "f.eks.", "tolk"],
    ]


def test_norwegian_letters_survive(no_installed_models: Path) -> None:
    (lemmas,) = nlp.lemmatise(["Økt støtte til tolketjenesten i Ålesund og Bærum, særlig for små barn"])
    assert {"økt", "støtte", "tolketjeneste", "ålesund", "bærum", "små"} <= set(lemmas)


def test_keyword_lemmas_drop_stop_words_by_form_and_lemma(no_installed_models: Path) -> None:
    result = nlp.keyword_lemmas(
        [
            "Vi trenger flere boliger og bedre kontakt med NAV-kontoret",
            "Eg veit ikkje kva vi skal gjere, men det er viktig med tolk",
            "We need more housing, and the interpreters were good",
            "Ring 22 33 44 55 eller skriv til ola@kommune.no i 2021",
        ]
    )
    assert result[0] == ["trenge", "bolig", "kontakt", "nav-kontor"]
    assert result[1] == ["viktig", "tolk"]
    assert "the" not in result[2] and "and" not in result[2] and "housing" in result[2]
    assert result[3] == ["ring", "skriv"]  # no numbers, no e-mail address


# ------------------------------------------------------------------ stop words


def test_stop_word_file_loads_and_is_curated() -> None:
    path = resources.files("fritekst").joinpath("data", "stopwords_nb.txt")
    assert path.is_file()
    stops = nlp.STOP_WORDS
    assert isinstance(stops, frozenset) and len(stops) > 400
    # Nynorsk function words
    assert {"ikkje", "eg", "ho", "dei", "desse", "berre", "noko", "nokon", "kva", "korleis", "frå", "mykje"} <= stops
    # inflected auxiliaries, survey shorthand and English
    assert {"har", "hadde", "blir", "ble", "vært", "kan", "må", "får", "gjør"} <= stops
    assert {"f.eks", "bl.a", "osv", "evt", "mtp", "mht"} <= stops
    assert {"the", "and", "of", "to"} <= stops
    # content words spaCy's list has but survey answers need
    assert not {"kontakt", "viktig", "tid", "mål", "folk", "store", "kroner", "by", "land"} & stops


def test_every_spacy_stop_word_removed_is_documented() -> None:
    from spacy.lang.nb.stop_words import STOP_WORDS as SPACY_NB

    text = resources.files("fritekst").joinpath("data", "stopwords_nb.txt").read_text(encoding="utf-8")
    comments = " ".join(line for line in text.splitlines() if line.startswith("#"))
    for word in SPACY_NB - nlp.STOP_WORDS:
        assert word in comments, f"{word!r} was dropped from spaCy's list without a note"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("bolig", True),
        ("kontakt", True),
        ("NAV", True),
        ("økonomi", True),
        ("æø", True),
        ("café", True),
        ("covid-19", True),
        ("ikkje", False),
        ("Også", False),
        ("f.eks.", False),
        ("the", False),
        ("2021", False),
        ("2.5", False),
        ("10kr", False),
        ("a", False),
        ("x1", False),
        ("...", False),
        ("ola@kommune.no", False),
        ("www.imdi.no", False),
    ],
)
def test_is_keyword_token(token: str, expected: bool) -> None:
    assert nlp.is_keyword_token(token) is expected


_TAGS = """
import json, sys
import pandas as pd
from fritekst import nlp
table = pd.read_excel(sys.argv[1], dtype=str).iloc[1:]
texts = [x for column in ("q12_bistand", "q17_barrierer", "q23_samarbeid") for x in table[column].dropna()]
if sys.argv[2] == "after-masking":
    list(nlp.load_pipeline().pipe(texts))  # what masking quotes does, word-vector component included
print(json.dumps([[[w.text, w.lemma, w.pos] for w in words] for words in nlp.tagged_words(texts)]))
"""


@pytest.mark.slow
def test_tags_and_lemmas_do_not_depend_on_what_the_process_piped_before() -> None:
    """The word-vector component keys each new form it meets to a row for the rest of the process;
    keywords are tagged without it, so a report or quote masked earlier in the same process
    (the app, a bench) must not change a theme's lemmas."""
    import json
    import os
    import subprocess
    import sys

    from fritekst.word_vectors import FACTORY

    if FACTORY not in nlp.load_pipeline().pipe_names:
        pytest.skip("the pipeline has no word-vector component")
    example = Path(__file__).resolve().parents[1] / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
    tags = {how: json.loads(subprocess.run([sys.executable, "-c", _TAGS, str(example), how], check=True,
                                           capture_output=True, text=True, env=os.environ).stdout)
            for how in ("fresh", "after-masking")}
    changed = [(a, b) for x, y in zip(tags["fresh"], tags["after-masking"]) for a, b in zip(x, y) if a != b]
    assert sum(map(len, tags["fresh"])) > 5000 and changed == []


def test_ordbank_lemmas_come_from_a_table_kept_beside_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the lemma table cost a warm re-run 1.8 s; the next process asks the kept copy
    for the few forms it needs (theme labels' spellings) and does not build the table."""
    import sqlite3

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FRITEKST_CACHE", "embeddings.sqlite")  # relative: the kept table is still found
    nlp.lemma_table.cache_clear()
    try:
        asked = ["kontoret", "tjenesten", "flyktningtjenest", "kommunens"]
        assert nlp.ordbank_lemmas(asked) == {"kontoret": "kontor", "tjenesten": "tjeneste"}
        [kept] = tmp_path.glob("ordbank_lemmas-*.sqlite")
        table = nlp.lemma_table()
        with sqlite3.connect(kept) as db:
            assert dict(db.execute("SELECT form, lemma FROM lemma")) == table
            db.execute("UPDATE lemma SET lemma = 'kvistbråten' WHERE form = 'kontoret'")
        assert nlp.ordbank_lemmas(asked) == {"kontoret": "kontor", "tjenesten": "tjeneste"}  # built here: used
        nlp.lemma_table.cache_clear()  # as in a new process
        assert nlp.ordbank_lemmas(asked) == {"kontoret": "kvistbråten", "tjenesten": "tjeneste"}
        assert nlp.lemma_table.cache_info().currsize == 0
    finally:
        nlp.lemma_table.cache_clear()


def test_predicate_lemmas_come_from_a_list_kept_beside_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRITEKST_CACHE", str(tmp_path / "embeddings.sqlite"))
    nlp._predicate_lemmas.cache_clear()
    try:
        assert not nlp.is_noun_like("trenge") and nlp.is_noun_like("bolig")
        [kept] = tmp_path.glob("ordbank_predicates-*.txt")
        kept.write_text(kept.read_text(encoding="utf-8") + "\nbolig", encoding="utf-8")
        nlp._predicate_lemmas.cache_clear()
        assert not nlp.is_noun_like("bolig")  # what the file says is what counts
    finally:
        nlp._predicate_lemmas.cache_clear()


def test_a_word_written_again_is_one_object_tagged_or_read_from_the_cache(tmp_path: Path) -> None:
    """100 000 answers hold ~4.4 M tokens but ~10⁵ distinct words: one object per token took
    ~0.9 GB per copy, and a cold run of 100 000 answers peaked at 4.2 GB (issue 18's bound: 4)."""
    from fritekst.embed import EmbeddingCache

    texts = ["Vi mangler boliger i kommunen.", "Kommunen mangler tolk.", "Tolk og boliger, kommunen sier nei."]
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    try:
        for run in range(2):  # tagged, then read back from the cache
            nlp._LAST_TAGGED.clear()
            words = nlp.tagged_words(texts, cache)
            kommunen = [w for ws in words for w in ws if w.text == "kommunen"]
            assert len(kommunen) == 2 and kommunen[0] is kommunen[1], run
            assert kommunen[0] == nlp.Word("kommunen", "kommune", "NOUN")
    finally:
        cache.close()
