"""The run-table contract: a run is the same RunResult, column for column and type for type,
whether it was just computed, read from its directory or read from a project store."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from fritekst.errors import InputError
from fritekst.results import load_run
from fritekst.run_table import read_run, typed, with_quote_flags

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"


def assert_same_run(one, other):
    pd.testing.assert_frame_equal(one.assignments, other.assignments)
    pd.testing.assert_frame_equal(one.themes, other.themes)
    assert one.manifest == other.manifest
    assert one.codebook == other.codebook


def test_a_run_is_the_same_from_the_pipeline_its_directory_and_a_store(example_run, example_store_url, tmp_path,
                                                                      monkeypatch):
    computed, out = example_run
    from_files = read_run(out)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))  # nothing goes through files
    from_store = load_run(example_store_url)
    assert_same_run(from_files, from_store)
    assert_same_run(from_files, computed.__class__(with_quote_flags(computed.assignments), computed.themes,
                                                   computed.manifest, computed.codebook))
    types = from_store.assignments.dtypes
    assert [str(types[c]) for c in ("segment", "source_row", "theme_id", "non_answer", "confidence", "wave")] == [
        "int64", "int64", "int64", "bool", "float64", "str"]
    assert from_store.themes["new_category"].dtype == bool


def test_typed_names_the_file_row_and_column_of_a_number_that_is_none():
    table = pd.DataFrame({"id": ["1", "2"], "theme_id": ["0", "tre"]})
    with pytest.raises(InputError, match=r"a.csv, row 3, column 'theme_id': theme_id is not a number"):
        typed(table, "a.csv")
    assert typed(pd.DataFrame({"wave": [None, "2025"], "blank": [None, True]})).to_dict("list") == {
        "wave": ["", "2025"], "blank": [False, True]}


@pytest.mark.slow
def test_run_db_reads_and_hashes_the_survey_file_once_besides_reading_it(tmp_path):
    """``run --db`` opens the survey file for reading it and once more to hash it, not again to
    check the store, write the manifest or import it."""
    from fritekst.run import run_and_save
    from fritekst.settings import build_run_config
    from fritekst.survey import load_answers

    opened = []
    survey = str(EXAMPLE)
    sys.addaudithook(lambda event, args: opened.append(1) if event == "open" and str(args[0]) == survey else None)
    config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", embedder="tfidf")
    load_answers(EXAMPLE, config.mapping)
    reading = len(opened)
    assert reading >= 1
    (tmp_path / "prosjekt").mkdir()
    for _ in range(2):  # a new store, then one that holds the survey already (checked before the run)
        opened.clear()
        run_and_save(EXAMPLE, config, db=tmp_path / "prosjekt")
        assert len(opened) == reading + 1
