"""Representative quotes from a real run of the example survey (bundled e5 model): distinct,
printable, from the category, traceable to the answer, flagged when used before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from example_run import run_example
from fritekst.cli import app
from fritekst.errors import InputError
from fritekst.privacy import Screen
from fritekst.quotes import (
    QuoteConfig,
    UsedQuotes,
    cached_embed,
    load_used_quotes,
    quotes_for,
    quotes_from_run,
    select_quotes,
)
from fritekst.results import attribute_columns, load_run
from fritekst.store import open_store


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, cache_file):
    return run_example(tmp_path_factory.mktemp("quotes") / "run", cache_file)


@pytest.fixture(scope="module")
def run(run_dir):
    return load_run(run_dir)


@pytest.fixture(scope="module")
def embed(run, cache_file):
    return cached_embed(run.manifest["embedder"], cache_file)


def test_quotes_are_distinct_printable_from_the_category_and_traceable(run, embed):
    config = QuoteConfig(k=3)
    quotes, rejects = quotes_for(run.assignments, embed, category="bolig", attributes=attribute_columns(run), config=config,
                                 screen=Screen(names="list"))  # the list finds no name in these answers: text as written
    assert len(quotes) == 3
    assert quotes["id"].is_unique and quotes["text"].is_unique
    assert quotes["text"].str.split().str.len().between(config.min_words, config.max_words).all()
    assert (quotes["code_id"] == "bolig").all()
    assert ((quotes["coded_by"] != "model") | (quotes["confidence"] >= config.min_confidence)).all()
    source = run.assignments.set_index(["question", "id"])
    for _, quote in quotes.iterrows():
        answer = source.loc[(quote["question"], quote["id"])]
        assert quote["text"] == answer["text"] and quote["role"] == answer["role"] and quote["wave"] == answer["wave"]
        assert quote["attributes"]["storrelse"] == answer["storrelse"]
    assert rejects["reason"].ne("").all()
    assert "too short (under 6 words)" in set(rejects["reason"])  # "Boliger.", "boligmangel"


def test_with_places_masked_a_quote_does_not_print_its_municipality_beside_it(run, embed):
    attributes = attribute_columns(run)
    assert {"kommune", "kommunenr", "storrelse"} <= set(attributes)
    plain, _ = quotes_for(run.assignments, embed, category="bolig", attributes=attributes, screen=Screen(names="list"))
    assert all("kommune" in quote for quote in plain["attributes"])
    masked, _ = quotes_for(run.assignments, embed, category="bolig", attributes=attributes,
                           screen=Screen(names="list", places=True))
    for quote in masked["attributes"]:  # size band and region sort respondents into groups; they stay
        assert "kommune" not in quote and "kommunenr" not in quote and "storrelse" in quote, quote


def test_quotes_for_one_role_and_wave(run, embed):
    quotes, _ = quotes_for(run.assignments, embed, category="bolig", role="Kommunedirektør", wave="2025")
    assert len(quotes) and (quotes["role"] == "Kommunedirektør").all() and (quotes["wave"] == "2025").all()


def test_quotes_for_a_theme(run, embed):
    quotes, _ = quotes_for(run.assignments, embed, theme=("q17_barrierer", 0), config=QuoteConfig(k=2))
    members = run.assignments[(run.assignments["question"] == "q17_barrierer") & (run.assignments["theme_id"] == 0)]
    assert len(quotes) == 2 and set(quotes["id"]) <= set(members["id"])


def test_used_quotes_are_flagged_by_id_and_by_text(run, embed, tmp_path):
    first, _ = quotes_for(run.assignments, embed, category="bolig", config=QuoteConfig(k=2))
    listed = tmp_path / "brukt.txt"
    listed.write_text(f"# sitater fra 2023-rapporten\n{first['question'][0]}/{first['id'][0]}\n«{first['text'][1]}»\n",
                      encoding="utf-8")
    used = load_used_quotes(listed)
    again, _ = quotes_for(run.assignments, embed, category="bolig", config=QuoteConfig(k=2), used=used)
    assert list(again["id"]) == list(first["id"]) and again["used"].all()
    assert not quotes_for(run.assignments, embed, category="bolig", config=QuoteConfig(k=2))[0]["used"].any()


def test_mmr_does_not_pick_the_same_thing_twice():
    texts = ["Vi mangler boliger til store familier i sentrum.", "Vi mangler boliger til store familier i sentrum!",
             "Mangel på boliger er det største hinderet for oss.", "Boligmarkedet er stramt og leieprisene er høye.",
             "Vi har ikke nok boliger som passer for familier med mange barn."]
    members = pd.DataFrame({"id": [str(i) for i in range(5)], "question": "q", "segment": 0, "text": texts, "role": "",
                            "wave": "", "code_id": "bolig", "codes": "bolig", "confidence": 0.9, "coded_by": "model"})
    vectors = cached_embed("tfidf")(texts)  # a fast path is enough to check the selection rule
    quotes, rejects = select_quotes(members, vectors, category="bolig", config=QuoteConfig(k=2, diversity=0.5))
    assert not {"0", "1"} <= set(quotes["id"])
    assert "same text as another answer" in set(rejects["reason"])


def test_a_coders_quote_candidate_is_preferred(run, embed):
    bolig = run.assignments.assign(quote_candidate=False)
    plain, _ = quotes_for(bolig, embed, category="bolig", config=QuoteConfig(k=3))
    members = bolig[(bolig["code_id"] == "bolig") & (bolig["text"].str.split().str.len() >= 6)
                    & (bolig["confidence"] >= 0.5) & ~bolig["id"].isin(plain["id"])]
    flagged = members.index[-1]
    bolig.loc[flagged, "quote_candidate"] = True
    preferred, _ = quotes_for(bolig, embed, category="bolig", config=QuoteConfig(k=3))
    assert preferred["id"].iloc[0] == bolig.at[flagged, "id"] and preferred["quote_candidate"].iloc[0]


def close_runner_up(run, screen: Screen) -> tuple[str, pd.Series, pd.Series]:
    """A category whose second quote is close enough behind the first for a coder's flag to
    decide the order (which categories are close depends on the run, so look for one)."""
    config = QuoteConfig(k=2, diversity=0)
    embed = cached_embed(run.manifest["embedder"])
    for category in run.codebook.ids:
        plain, _ = quotes_for(run.assignments, embed, category=category, config=config, screen=screen)
        if len(plain) == 2 and not plain["masked"].any() and plain["centrality"][0] - plain["centrality"][1] < config.candidate_bonus:
            return category, plain.iloc[0], plain.iloc[1]
    pytest.fail("no category has a runner-up within the quote-candidate bonus")


def test_a_quote_candidate_flagged_in_the_store_comes_first(example_project):
    """The flag travels from the store through the export's assignments.csv to the quotes: the
    runner-up becomes the first quote once a coder flags it, and not when the coder only codes it."""
    screen = Screen(names="list")
    category, leader, runner_up = close_runner_up(load_run(example_project), screen)
    with open_store(example_project) as store:
        segments = store.segments(question=runner_up["question"])
        segment = int(segments.loc[(segments["id"] == runner_up["id"]) & (segments["segment"] == int(runner_up["segment"])),
                                   "segment_id"].iloc[0])
        store.add_coding(segment, category, "kari", 1)
    coded, _ = quotes_from_run(example_project, category=category, config=QuoteConfig(k=1), screen=screen)
    assert coded["id"].tolist() == [leader["id"]] and coded["coded_by"].tolist() == [leader["coded_by"]]
    with open_store(example_project) as store:
        store.add_coding(segment, category, "kari", 1, quote_candidate=True)
    assert load_run(example_project).assignments["quote_candidate"].sum() == 1
    result = CliRunner().invoke(app, ["quotes", str(example_project), "--category", category, "-k", "1", "--names", "list"])
    assert result.exit_code == 0, result.output
    first, source = result.stdout.splitlines()[:2]
    assert first == f"1. «{runner_up['text']}»" and f"id {runner_up['id']}" in source and "coder's quote candidate" in source


def test_quotes_are_masked(run):
    answers = run.assignments
    planted = answers[(answers["id"] == "1050") & (answers["question"] == "q12_bistand")].assign(code_id="x", codes="x",
                                                                                                  coded_by="coder")
    quotes, _ = select_quotes(planted, np.ones((1, 4), dtype=np.float32) / 2, category="x", screen=Screen(names="list"))
    assert "Kari Nordmann" not in quotes["text"][0] and "912 34 567" not in quotes["text"][0]
    assert quotes["masked"][0] == "navn, telefon"


def test_cli_prints_quotes_with_id_role_wave_and_attributes(run_dir, cache_file):
    result = CliRunner().invoke(app, ["quotes", str(run_dir), "--category", "bolig", "--role", "Integreringsansvarlig",
                                      "--wave", "2023", "-k", "2", "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. «") and lines[2].startswith("2. «")
    assert "Integreringsansvarlig · 2023 · kommunenr=" in lines[1] and "storrelse=" in lines[1]


@pytest.mark.parametrize(("args", "message"), [
    (["--category", "boliger"], "did you mean 'bolig'"),
    (["--category", "bolig", "--wave", "2024"], "no wave '2024'"),
    (["--theme", "1"], "--theme needs --question"),
    ([], "give --category ID or --theme N"),
])
def test_cli_errors_are_one_line(run_dir, args, message):
    result = CliRunner().invoke(app, ["quotes", str(run_dir), *args])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.output


def test_cli_mask_places_without_an_entity_recogniser_is_one_line(run_dir, cache_file, monkeypatch, tmp_path):
    import spacy

    from fritekst import nlp

    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    monkeypatch.setenv("FRITEKST_MODELS_DIR", str(tmp_path))  # no pipeline: the blank fallback, no NER
    nlp.load_pipeline.cache_clear()
    try:
        result = CliRunner().invoke(app, ["quotes", str(run_dir), "--category", "bolig", "--mask-places",
                                          "--cache", str(cache_file)])
    finally:
        nlp.load_pipeline.cache_clear()
    assert result.exit_code == 2 and "--mask-places" in result.stderr and result.stderr.count("\n") == 1, result.output


def test_a_directory_that_is_not_a_run_is_refused(tmp_path):
    with pytest.raises(InputError, match="not a fritekst run directory"):
        quotes_from_run(tmp_path, category="bolig")


def test_used_quotes_file_must_exist(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_used_quotes(tmp_path / "mangler.txt")
    assert ("q", "1", "x") not in UsedQuotes()
