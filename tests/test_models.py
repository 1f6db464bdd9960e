"""The Norwegian pipelines shipped in models/: found, small, quick to load, and right on
sentences written for these tests (never copied from the treebank).

CI does not retrain; models/recipe/ says how the pipelines were trained and scored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.strings import get_string_id

from fritekst import nlp, word_vectors

MODELS = Path(__file__).resolve().parents[1] / "models"
NB = MODELS / "nb_fritekst"  # trained on Bokmål and Nynorsk together: one pipeline for both
LIMIT_MB = 20


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


@pytest.fixture(scope="module")
def nb() -> spacy.language.Language:
    return spacy.load(NB)


@pytest.fixture
def shipped_models(monkeypatch: pytest.MonkeyPatch) -> Path:
    """fritekst.nlp as on a machine without nb_core_news: resolves to the shipped models/."""
    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    monkeypatch.delenv("FRITEKST_MODELS_DIR", raising=False)
    nlp.load_pipeline.cache_clear()
    yield MODELS
    nlp.load_pipeline.cache_clear()


# ---------------------------------------------------------------- what is shipped


def test_pipeline_is_shipped_small_and_complete() -> None:
    assert (NB / "config.cfg").is_file() and (NB / "meta.json").is_file()
    assert _size_mb(NB) < LIMIT_MB
    config = spacy.util.load_config(NB / "config.cfg", interpolate=False)
    assert {"morphologizer", "trainable_lemmatizer", "ner"} <= set(config["nlp"]["pipeline"])
    # Only what loading needs: no training logs, no converted treebank text.
    assert not list(NB.rglob("*.spacy")) and not list(NB.rglob("*.log"))


def test_meta_names_data_and_license(nb: spacy.language.Language) -> None:
    assert nb.meta["name"] == "fritekst"
    assert "CC0" in nb.meta["license"]
    assert {"PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV", "MISC"} == set(nb.get_pipe("ner").labels)


# ------------------------------------------------------------- resolution order


def test_fritekst_nlp_resolves_to_the_shipped_pipeline(shipped_models: Path) -> None:
    assert nlp.pipeline_source() == NB
    assert nlp._trained_lemmatizer(nlp.load_pipeline())


def test_recipe_folder_is_not_taken_for_a_pipeline(tmp_path: Path) -> None:
    # models/recipe/config.cfg says lang = "nb" but is not a trained pipeline (no meta.json).
    recipe = tmp_path / "recipe"
    recipe.mkdir()
    (recipe / "config.cfg").write_text((MODELS / "recipe" / "config.cfg").read_text(encoding="utf-8"), encoding="utf-8")
    assert nlp.find_local_pipeline(tmp_path) is None


# ------------------------------------------------------------ Bokmål annotations


def test_bokmaal_lemmas(nb: spacy.language.Language) -> None:
    doc = nb("Prisene på boligene i kommunene er for dyre, og køene hos fastlegene ble lengre i fjor.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["boligene"] == "bolig"
    assert lemmas["kommunene"] == "kommune"
    assert lemmas["køene"] == "kø"
    assert lemmas["ble"] == "bli"
    assert lemmas["dyre"] == "dyr"


@pytest.mark.xfail(reason="edit trees choose between -ene -> '' (boligene) and -ne (legene) by the whole word; "
                   "a compound Norsk Ordbank does not list can get the wrong one (fastlegene -> fastleg from "
                   "the pipeline shipped in November 2026; its predecessor got it right)", strict=True)
def test_unlisted_compound_plural_is_lemmatised(nb: spacy.language.Language) -> None:
    doc = nb("Køene hos fastlegene ble lengre i fjor.")
    assert {t.text: t.lemma_ for t in doc}["fastlegene"] == "fastlege"


@pytest.mark.xfail(reason="edit trees rarely lower-case: a capitalised common noun often keeps its form "
                   "(0.93 lemma accuracy on such tokens in Bokmål dev, 0.97 overall); see models/README.md",
                   strict=True)
def test_capitalised_first_word_is_lemmatised(nb: spacy.language.Language) -> None:
    doc = nb("Boligene i kommunene er for dyre, og køene hos fastlegene ble lengre i fjor.")
    assert doc[0].lemma_.lower() == "bolig"


def test_bokmaal_parts_of_speech(nb: spacy.language.Language) -> None:
    doc = nb("Kommunen må bygge flere rimelige boliger til unge familier.")
    pos = {t.text: t.pos_ for t in doc}
    assert pos["Kommunen"] == "NOUN"
    assert pos["må"] == "AUX"
    assert pos["bygge"] == "VERB"
    assert pos["rimelige"] == "ADJ"
    assert pos["boliger"] == "NOUN"
    assert pos["til"] == "ADP"
    assert str(doc[0].morph) == "Definite=Def|Gender=Masc|Number=Sing"


def test_bokmaal_entities(nb: spacy.language.Language) -> None:
    doc = nb("Jeg snakket med Kari Hansen fra Statens vegvesen da hun var i Tromsø forrige uke.")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Kari Hansen", "PER") in ents
    assert ("Statens vegvesen", "ORG") in ents
    assert any(text == "Tromsø" and label in ("GPE_LOC", "LOC") for text, label in ents)


def test_keywords_use_the_trained_lemmas(shipped_models: Path) -> None:
    text = "Vi trenger flere boliger og kortere ventetid hos fastlegene"
    (keywords,) = nlp.keyword_lemmas([text])
    # "fastlegene" is not in Norsk Ordbank: its keyword is whatever the pipeline lemmatises it to.
    in_context = {t.text: t.lemma_ for t in nlp.load_pipeline()(text)}["fastlegene"]
    assert in_context != "fastlegene"
    assert {"bolig", "ventetid", in_context} <= set(keywords)
    assert "vi" not in keywords and "og" not in keywords


def test_keyword_nouns_take_ordbank_lemmas_and_nynorsk_is_lemmatised(shipped_models: Path) -> None:
    result = nlp.keyword_lemmas([
        "Boligene er for dyre, og vi trenger flere praksisplasser etter introduksjonsprogrammet",
        "Kommunane treng fleire tolkar og betre bustader",
        "Han jobber på NAV-kontoret, men jobben mangler mening",
    ])
    # Ordbank for nouns it lists, also capitalised first words; edit trees alone give
    # "Boligene" and "introduksjonsprogramm".
    assert {"bolig", "praksisplass", "introduksjonsprogram"} <= set(result[0])
    assert {"kommune", "tolk", "bustad"} <= set(result[1])  # Ordbank has no Nynorsk forms
    assert {"jobbe", "jobb", "mangle"} <= set(result[2])  # the tagger tells the verb from the noun


# ------------------------------------------------------------ Nynorsk annotations


def test_nynorsk_lemmas_parts_of_speech_and_entities(nb: spacy.language.Language) -> None:
    doc = nb("Kommunane må byggje fleire bustader, og eg har snakka med Ola Nordmann i Førde om det.")
    lemmas = {t.text: t.lemma_ for t in doc}
    pos = {t.text: t.pos_ for t in doc}
    assert lemmas["Kommunane"].lower() == "kommune"
    assert lemmas["bustader"] == "bustad"
    assert lemmas["eg"] == "eg"
    assert lemmas["snakka"] == "snakke"
    assert pos["bustader"] == "NOUN" and pos["byggje"] == "VERB" and pos["må"] == "AUX"
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Ola Nordmann", "PER") in ents
    assert any(text == "Førde" and label in ("GPE_LOC", "LOC") for text, label in ents)


# ------------------------------------------------------------ e5 word vectors


@pytest.mark.slow
def test_pipeline_loads_without_importing_fritekst_first() -> None:
    # The first component comes from fritekst; its spacy_factories entry point lets plain spaCy load it.
    import subprocess
    import sys

    code = f"import spacy; print(spacy.load({str(NB)!r}).pipe_names[0])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == word_vectors.FACTORY


def test_new_word_forms_get_the_row_the_table_would_have_given_them() -> None:
    # "kommune" owns a row of the shipped table (built from e5 by models/recipe/vectors.py).
    # Forget its key: met in a text, the mapper must find the same row again from e5 alone,
    # which holds only if run time projects e5 exactly as the build did.
    pipeline = spacy.load(NB)
    table = pipeline.vocab.vectors
    row = table.key2row[get_string_id("kommune")]
    rows_before = table.shape[0]
    del table.key2row[get_string_id("kommune")]
    unseen = "Hægebostadfjellsprosjektet"
    assert get_string_id(unseen) not in table
    pipeline(f"Hver kommune har sitt {unseen}.")
    assert table.key2row[get_string_id("kommune")] == row
    assert get_string_id(unseen) in table and table.shape[0] == rows_before  # keys grow, rows do not
