"""Suggestions made after the run: a project run without a codebook gets the model's codes once
coders have made one, as if the run had had it."""

from pathlib import Path

import pandas as pd
import pytest

from fritekst.codebook import load_codebook
from fritekst.coders import MODEL_CODER
from fritekst.embed import EmbeddingCache
from fritekst.run import run_survey
from fritekst.run_table import RunResult
from fritekst.settings import build_run_config
from fritekst.store import open_store
from fritekst.survey import load_mapping
from fritekst.workspace import suggest_codes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
CODEBOOK = ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"

pytestmark = pytest.mark.slow  # runs the example survey on the bundled model


@pytest.fixture(scope="module")
def runs(cache_file):
    """The example survey run with the codebook on the bundled model (whose vectors, unlike
    TF-IDF's, do not depend on the batch), and the same run without its codes, as a run without
    a codebook saves it."""
    config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", codebook=CODEBOOK)
    coded = run_survey(EXAMPLE, config, cache=EmbeddingCache(cache_file))
    uncoded = RunResult(coded.assignments.drop(columns=["code_id", "codes", "confidence", "coded_by"]),
                        coded.themes.drop(columns=["suggested_code", "suggested_code_share", "new_category"]),
                        coded.manifest, None)
    return uncoded, coded


@pytest.fixture(params=["sqlite", "postgresql"])
def uncoded_store(request, tmp_path, runs):
    if request.param == "sqlite":
        url = str(tmp_path / "fritekst.db")
    else:
        url = request.getfixturevalue("postgres_cluster").new_database()
    with open_store(url) as store:
        store.import_survey(EXAMPLE, load_mapping(ROOT / "examples" / "demo.yaml"))
        store.save_run(runs[0])
        yield store


def test_suggestions_after_a_codebook_is_saved_are_those_a_run_with_it_gives(uncoded_store, runs, cache_file):
    store = uncoded_store
    run_id = int(store.runs()["run_id"].iloc[-1])
    assert "code_id" not in store.segments(run_id)
    codebook = store.save_codebook(load_codebook(CODEBOOK), author="kari")

    n = suggest_codes(store, run_id, actor="kari", cache=EmbeddingCache(cache_file))

    segments = store.segments(run_id)
    expected = runs[1].assignments
    assert segments["code_id"].tolist() == expected["code_id"].tolist()
    assert segments["confidence"].round(6).tolist() == expected["confidence"].round(6).tolist()
    assert n == int((expected["code_id"] != "").sum())
    themes = store.themes(run_id)
    assert themes["suggested_code"].tolist() == runs[1].themes["suggested_code"].tolist()
    model = store.current_codings(coder=MODEL_CODER)
    suggested = expected[(expected["coded_by"] == MODEL_CODER) & (expected["code_id"] != "")]
    assert len(model) == len(suggested) and set(model["codebook_version"]) == {codebook.version}
    assert store.run_result(run_id).codebook.version == codebook.version


def test_suggesting_again_learns_from_people_and_touches_no_coding_of_theirs(uncoded_store, cache_file):
    store = uncoded_store
    run_id = int(store.runs()["run_id"].iloc[-1])
    codebook = store.save_codebook(load_codebook(CODEBOOK), author="kari")
    # A low target precision, so the suggestions show what the model learnt rather than how sure it is:
    # twenty answers that are not about interpreters, coded "tolk", make it rightly unsure.
    suggest_codes(store, run_id, cache=EmbeddingCache(cache_file), precision=0.3)
    segments = store.segments(run_id, question="q17_barrierer")
    answered = segments[~segments["non_answer"]]
    # kari codes the last twenty answers of the question as "tolk"
    chosen = answered["segment_id"].tolist()[-20:]
    store.add_codings(chosen, "tolk", "kari", codebook.version)
    people_before = store.people_codes()
    model_before = len(store.codings(coder=MODEL_CODER))

    suggest_codes(store, run_id, cache=EmbeddingCache(cache_file), precision=0.3)

    pd.testing.assert_frame_equal(store.people_codes(), people_before)
    after = store.segments(run_id, question="q17_barrierer").set_index("segment_id")
    before = segments.set_index("segment_id")
    assert (after.loc[chosen, "code_id"] == "tolk").sum() > (before.loc[chosen, "code_id"] == "tolk").sum()
    assert len(store.codings(coder=MODEL_CODER)) > model_before  # appended, the earlier ones kept
