"""Issue 16: reports, exports and the app read every code under the codebook's current version.

The reproduction from the issue: a run saved with codebook v1; v2 adds ``ny_kategori`` and one
answer is coded with it; v3 merges ``bolig`` into it. Then v4 splits ``helse_psykiatri``: its
answers need a coder and are counted under no category.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from fritekst.codebook import Category, merge_category, split_category, with_category
from fritekst.quotes import cached_embed
from fritekst.report import ReportConfig, build_report
from fritekst.quotes import QuoteConfig
from fritekst.results import load_run
from fritekst.store import open_store

QUESTION = "q17_barrierer"
ASKED_FOR_HELP = "q12_bistand"  # where statistics and research come up


def _later_versions(store):
    """v2 adds ny_kategori and kari codes the last answer of the question with it; v3 merges bolig
    into ny_kategori; v4 splits helse_psykiatri. Returns the segment kari coded."""
    v1 = store.codebook()
    v2 = store.save_codebook(with_category(v1, Category(id="ny_kategori", label="Ny kategori", parent="barrierer")),
                             author="kari", expected_version=1)
    segments = store.segments(question=QUESTION)
    chosen = int(segments.loc[~segments["non_answer"], "segment_id"].iloc[-1])
    store.add_coding(chosen, "ny_kategori", "kari", v2.version)
    v3 = store.save_codebook(merge_category(v2, "bolig", "ny_kategori"), author="kari", expected_version=2)
    store.save_codebook(split_category(v3, "helse_psykiatri", [("helsetjenester", "Helsetjenester"),
                                                                ("psykisk_helse", "Psykisk helse")]),
                        author="kari", expected_version=3)
    return chosen


def _hand_count(original: pd.DataFrame, chosen_id: str) -> tuple[int, set[str]]:
    """Respondents of the latest wave in ny_kategori after the merge, and those to recode, counted
    from the run as saved (the model's codes) with kari's one code put in by hand."""
    rows = original[(original["question"] == QUESTION) & ~original["non_answer"]].copy()
    rows = rows[rows["wave"].astype(str) == max(rows["wave"].astype(str))]
    codes = rows["codes"].where(rows["codes"] != "", rows["code_id"]).str.split(";")
    codes[rows["id"] == chosen_id] = [["ny_kategori"]] * int((rows["id"] == chosen_id).sum())
    ny = {i for i, c in zip(rows["id"], codes) if {"bolig", "ny_kategori"} & set(c)}
    recode = {i for i, c in zip(rows["id"], codes) if "helse_psykiatri" in c}
    return len(ny), recode


def test_report_and_export_read_codes_under_todays_codebook(example_store_url, example_run, tmp_path):
    with open_store(example_store_url) as store:
        chosen = _later_versions(store)
        chosen_id = store.segments(question=QUESTION).set_index("segment_id").loc[chosen, "id"]
        store.export_run(tmp_path / "export")
    run = load_run(example_store_url)

    assert run.codebook.version == 4 and run.manifest["codebook"]["version"] == 4
    assert run.manifest["codebook"]["codes_made_under"] == [1, 2]
    codes = set(";".join(run.assignments["codes"]).split(";"))
    assert not codes & {"bolig", "helse_psykiatri"}  # never counted under a retired id
    expected_n, recode = _hand_count(example_run[0].assignments, chosen_id)
    needing = run.assignments[run.assignments["needs_coder"] & (run.assignments["question"] == QUESTION)]
    assert set(needing["id"]) >= recode and len(recode) > 0

    report = build_report(run.assignments, cached_embed("tfidf"), codebook=run.codebook, questions=[QUESTION],
                          config=ReportConfig(quotes=QuoteConfig(k=0)))
    question = report.questions[0]
    table = question.categories.frame
    counts = dict(zip(table["Kategori"], table["Respondenter"]))
    assert counts["Ny kategori"] == expected_n  # labelled, with bolig's answers merged in
    assert "ny_kategori" not in counts and "Mangel på boliger" not in counts
    assert any("må kodes på nytt" in note for note in question.notes)

    exported = json.loads((tmp_path / "export" / "manifest.json").read_text(encoding="utf-8"))
    assert exported["codebook"]["version"] == 4
    assert "version: 4" in (tmp_path / "export" / "codebook.yaml").read_text(encoding="utf-8")
    table = pd.read_csv(tmp_path / "export" / "assignments.csv", dtype=str, keep_default_na=False)
    assert "bolig" not in set(table["code_id"]) and "needs_coder" in table


def test_two_waves_run_on_their_own_are_reported_together_on_todays_codebook(two_wave_project):
    """Each wave's file run into one survey of the store, under codebook v1 and v2; the report
    compares the waves, each counted under v2, and the counts equal a hand count."""
    db = two_wave_project
    run = load_run(db)
    assert [r["waves"] for r in run.manifest["runs"]] == [["2025"], ["2023"]]
    assert run.codebook.version == 2
    with open_store(db) as store:
        first = store.run_result(int(store.runs()["run_id"].iloc[0])).assignments
    # by hand: 2023's codes under v2 - forskning_gode_eksempler went into statistikk_kunnskap
    said = first[(first["question"] == ASKED_FOR_HELP) & ~first["non_answer"]]
    merged = sum(bool({"forskning_gode_eksempler", "statistikk_kunnskap"} & set(c.split(";")))
                 for c in said["codes"].where(said["codes"] != "", said["code_id"]))
    report = build_report(run.assignments, cached_embed("tfidf"), codebook=run.codebook, questions=[ASKED_FOR_HELP],
                          config=ReportConfig(wave="all", quotes=QuoteConfig(k=0)))
    waves = report.questions[0].waves.frame
    column_2023 = next(c for c in waves.columns if c.startswith("2023 "))
    assert any(c.startswith("2025 ") for c in waves.columns)
    row = waves[waves["Kategori"] == "Statistikk, forskning og gode eksempler"]
    assert merged > 0 and len(row) == 1 and row[column_2023].iloc[0][0] == merged
    assert "Forskning og gode eksempler" not in set(waves["Kategori"])
