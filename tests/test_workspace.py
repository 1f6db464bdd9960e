"""The coder workspace's computations on a real SQLite store holding the example survey."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fritekst.errors import InputError
from fritekst.store import MODEL_CODER, ThemeChanged, open_store, theme_versions
from fritekst.survey import load_mapping
from fritekst.workspace import (
    CodingFilters,
    accept_theme,
    answer_map,
    answer_queue,
    coding_queue,
    disagreement_table,
    filter_queue,
    merge_themes,
    question_overview,
    segment_codes,
    split_theme,
    with_codings,
)
from fritekst.workspace.answer_map import segment_vectors

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
QUESTION = "q17_barrierer"


def tfidf(texts):
    return segment_vectors(texts, "tfidf")


@pytest.fixture
def project(tmp_path, example_run):
    with open_store(tmp_path / "fritekst.db") as store:
        store.import_survey(EXAMPLE, load_mapping(ROOT / "examples" / "demo.yaml"))
        yield store, store.save_run(example_run[0])


def test_overview_counts_who_answered_and_what_is_coded(project, example_run):
    store, run_id = project
    segments = store.segments(run_id)
    first = segments[(segments["question"] == QUESTION) & ~segments["non_answer"]]["segment_id"].iloc[:4]
    for segment_id in first:
        store.add_coding(segment_id, "bolig", "kari", 1)
    store.add_coding(first.iloc[0], "bolig", "ola", 1)
    store.add_coding(first.iloc[1], "arbeidsmarked", "ola", 1)
    overview = question_overview(store.segments(run_id), store.current_codings()).set_index("question")
    assignments = pd.read_csv(example_run[1] / "assignments.csv", dtype={"id": str}, keep_default_na=False)
    said = assignments[(assignments["question"] == QUESTION) & (assignments["non_answer"] == False)]  # noqa: E712
    row = overview.loc[QUESTION]
    assert row["answered"] == said["id"].nunique()
    assert sum(row["per_role"].values()) == row["answered"]
    assert row["coded_share"] == pytest.approx(4 / row["segments"])
    assert row["coders"] == 2
    # two shared segments: one agreement (bolig/bolig), one not: alpha is defined and below 1
    assert -1 <= row["alpha"] < 1
    assert overview.loc["q12_bistand", "coded_share"] == 0


def test_the_queue_hides_other_coders_until_you_have_coded_and_filters_combine(project):
    store, run_id = project
    segments = store.segments(run_id, question=QUESTION)
    first, second = segments[~segments["non_answer"]]["segment_id"].iloc[:2]
    store.add_coding(first, "bolig", "ola", 1)
    store.add_coding(second, "bolig", "ola", 1)
    store.add_coding(first, "helse_psykiatri", "kari", 1, memo="sitat?", quote_candidate=True)
    queue = coding_queue(segments, store.current_codings(question=QUESTION), "kari").set_index("segment_id")
    assert queue.loc[first, "others"] == "ola: bolig" and queue.loc[first, "my_quote"]
    assert queue.loc[second, "others"] == ""  # kari has not coded it yet
    assert not queue["non_answer"].any()
    role = queue["role"].dropna().iloc[0]
    word = "bolig"
    found = filter_queue(queue, CodingFilters(roles=(role,), search=word.upper()))
    assert len(found) > 0 and (found["role"] == role).all()
    assert found["text"].str.casefold().str.contains(word).all()
    uncoded = filter_queue(queue, CodingFilters(uncoded_only=True))
    assert first not in uncoded.index and len(uncoded) == len(queue) - 1
    mine = filter_queue(queue, CodingFilters(codes=("helse_psykiatri",)))
    assert first in mine.index


def test_the_queue_from_the_peoples_codes_is_the_queue_from_every_current_coding(project):
    """The app adds the people's codes (store.people_codes: no model codings, a few columns) to the
    run's part of the queue; that must be the queue built from every current coding: recodes,
    withdrawals, memos, quote flags and other coders included."""
    store, run_id = project
    segments = store.segments(run_id, question=QUESTION)
    a, b, c = segments[~segments["non_answer"]]["segment_id"].iloc[[1, 2, 4]]
    store.add_coding(a, "bolig", "ola", 1)
    store.add_coding(a, "tolk", "kari", 1, memo="sitat?", quote_candidate=True, extra_codes=["bolig"])
    store.add_coding(b, "tolk", "kari", 1)
    store.add_coding(b, "bolig", "kari", 1)  # recoded
    store.add_coding(b, "arbeidsmarked", "per", 1)
    store.add_coding(c, "tolk", "kari", 1)
    store.withdraw_last("kari")  # c is uncoded again
    labels = {category.id: category.label for category in store.codebook().categories}
    people = store.people_codes(QUESTION)
    assert MODEL_CODER not in set(people["coder"]) and len(people) == 4
    queue = with_codings(answer_queue(segments), people, "kari", labels)
    every = store.current_codings(question=QUESTION)
    pd.testing.assert_frame_equal(queue, coding_queue(segments, every, "kari", labels))
    queue = queue.set_index("segment_id")
    assert queue.loc[a, ["my_code", "my_memo", "my_quote", "others"]].tolist() == [
        "tolk", "sitat?", True, f"ola: {labels['bolig']}"]
    assert queue.loc[b, ["my_code", "others"]].tolist() == ["bolig", f"per: {labels['arbeidsmarked']}"]
    assert queue.loc[c, ["my_code", "others"]].tolist() == ["", ""]


def test_merge_split_and_accept_a_theme(project):
    store, run_id = project
    themes = store.themes(run_id, question=QUESTION)
    a, b = themes["theme_id"].iloc[:2]
    sizes = dict(zip(themes["theme_id"], themes["n_segments"]))
    store.rename_theme(run_id, QUESTION, a, "Boligmangel (kodernes navn)", actor="kari")
    kept = merge_themes(store, run_id, QUESTION, [a, b], tfidf, actor="kari")
    after = store.themes(run_id, question=QUESTION).set_index("theme_id")
    assert kept in (a, b) and ({a, b} - {kept}).isdisjoint(after.index)
    assert after.loc[kept, "n_segments"] == sizes[a] + sizes[b]
    assert after["n_segments"].sum() == themes["n_segments"].sum()
    segments = store.segments(run_id, question=QUESTION)
    assert (segments["theme_id"] == kept).sum() == sizes[a] + sizes[b]
    new = split_theme(store, run_id, QUESTION, kept, tfidf, actor="kari")
    split = store.themes(run_id, question=QUESTION).set_index("theme_id")
    assert split.loc[kept, "n_segments"] + split.loc[new, "n_segments"] == sizes[a] + sizes[b]
    assert split.loc[new, "label"] and split.loc[new, "keywords"]
    # Both halves stay under the broad theme of the theme that was split (decision 021).
    assert split.loc[new, ["parent_theme", "parent_label"]].tolist() == split.loc[kept, ["parent_theme", "parent_label"]].tolist()
    assert split.loc[kept, "parent_theme"] == themes.set_index("theme_id").loc[kept, "parent_theme"]
    assert set(store.audit_log()["action"]) >= {"rename_theme", "merge_themes", "split_theme"}
    count = accept_theme(store, run_id, QUESTION, new, "bolig", "kari", 1)
    codings = store.current_codings(question=QUESTION, coder="kari")
    assert len(codings) == count == split.loc[new, "n_segments"] and set(codings["code_id"]) == {"bolig"}
    with pytest.raises(InputError, match="at least two themes"):
        merge_themes(store, run_id, QUESTION, [new], tfidf)


def test_theme_edits_from_a_page_showing_themes_changed_since_are_refused_and_change_nothing(project):
    store, run_id = project

    def view():
        return theme_versions(store.themes(run_id, question=QUESTION), store.segments(run_id, question=QUESTION))

    kari = view()  # kari's page
    a, b, c, d, e = list(kari)[:5]
    kept = merge_themes(store, run_id, QUESTION, [a, b], tfidf, actor="ola", seen=view())
    gone = ({a, b} - {kept}).pop()
    before = (store.themes(run_id, question=QUESTION), store.segments(run_id, question=QUESTION))
    log, codings = store.audit_log(), store.codings()
    stale = {
        "rename": lambda: store.rename_theme(run_id, QUESTION, kept, "Kari sitt navn", actor="kari", seen=kari),
        "merge into the grown theme": lambda: merge_themes(store, run_id, QUESTION, [kept, c], tfidf, "kari", kari),
        "merge with the one merged away": lambda: merge_themes(store, run_id, QUESTION, [gone, c], tfidf, "kari", kari),
        "split": lambda: split_theme(store, run_id, QUESTION, kept, tfidf, actor="kari", seen=kari),
        "accept": lambda: accept_theme(store, run_id, QUESTION, kept, "bolig", "kari", 1, seen=kari),
    }
    for name, edit in stale.items():
        with pytest.raises(ThemeChanged, match="changed after you loaded it"):
            edit()
        pd.testing.assert_frame_equal(store.themes(run_id, question=QUESTION), before[0], obj=name)
        pd.testing.assert_frame_equal(store.segments(run_id, question=QUESTION), before[1], obj=name)
        pd.testing.assert_frame_equal(store.audit_log(), log, obj=name)
        pd.testing.assert_frame_equal(store.codings(), codings, obj=name)
    # ola's merge did not touch c, d and e: kari's view of them still holds, edit after edit (codings
    # change no theme, so the split after the accept goes through too)
    merged = merge_themes(store, run_id, QUESTION, [c, d], tfidf, actor="kari", seen=kari)
    count = accept_theme(store, run_id, QUESTION, e, "bolig", "kari", 1, seen=kari)
    assert count == store.themes(run_id, question=QUESTION).set_index("theme_id").loc[e, "n_segments"]
    new = split_theme(store, run_id, QUESTION, e, tfidf, actor="kari", seen=kari)
    assert {kept, merged, e, new} <= set(store.themes(run_id, question=QUESTION)["theme_id"])
    assert list(store.audit_log("run")["action"].iloc[-3:]) == ["merge_themes", "merge_themes", "split_theme"]


def test_the_map_is_deterministic_and_the_exported_run_shows_the_edits(project, tmp_path):
    store, run_id = project
    texts = store.segments(run_id, question=QUESTION)["text"].tolist()
    vectors = tfidf(texts)
    first, again = answer_map(vectors), answer_map(vectors)
    assert first.equals(again) and len(first) == len(texts) and np.isfinite(first.to_numpy()).all()
    theme = int(store.themes(run_id, question=QUESTION)["theme_id"].iloc[0])
    store.rename_theme(run_id, QUESTION, theme, "Nytt navn")
    out = store.export_run(tmp_path / "ut", run_id)
    exported = pd.read_csv(out / "themes.csv", keep_default_na=False)
    assert "Nytt navn" in set(exported["label"])


def test_a_bulk_coding_is_all_or_nothing(project):
    store, run_id = project
    ids = store.segments(run_id)["segment_id"].tolist()
    store.add_codings(ids, "annet", "kari", 1)
    assert len(store.current_codings(coder="kari")) == len(set(ids))
    before = len(store.codings())
    with pytest.raises(InputError, match="no segment"):
        store.add_codings([ids[0], 10**9], "bolig", "kari", 1)
    with pytest.raises(InputError, match="not a category"):
        store.add_codings(ids[:2], "finnes_ikke", "kari", 1)
    assert len(store.codings()) == before


def test_segment_codes_take_the_latest_person_else_the_model(project):
    store, run_id = project
    segments = store.segments(run_id, question=QUESTION)
    first, second = segments[~segments["non_answer"]]["segment_id"].iloc[:2]
    store.add_coding(first, "tolk", "kari", 1)
    store.add_coding(first, "bolig", "ola", 1)  # the latest person wins
    codes = segment_codes(segments, store.current_codings(question=QUESTION)).set_axis(segments["segment_id"])
    assert codes[first] == "bolig"
    assert codes[second] == segments.set_index("segment_id").loc[second, "code_id"]


def test_segment_codes_take_a_settled_code_first(project):
    store, run_id = project
    segments = store.segments(run_id, question=QUESTION)
    first, second = segments[~segments["non_answer"]]["segment_id"].iloc[:2]
    store.add_coding(first, "tolk", "kari", 1)
    store.add_coding(first, "bolig", "ola", 1)
    store.settle(first, "annet", "per", 1)
    codes = segment_codes(segments, store.current_codings(question=QUESTION),
                          store.adjudications(question=QUESTION)).set_axis(segments["segment_id"])
    assert codes[first] == "annet"
    assert codes[second] == segments.set_index("segment_id").loc[second, "code_id"]


def test_disagreements_show_labels_and_stay_listed_once_settled(project):
    store, run_id = project
    segments = store.segments(run_id, question=QUESTION)
    a, b, c, d = segments[~segments["non_answer"]]["segment_id"].iloc[:4]
    for segment, kari, ola in ((a, "bolig", "tolk"), (b, "bolig", "bolig"), (c, "tolk", "annet"), (d, "tolk", "tolk")):
        store.add_coding(segment, kari, "kari", 1)
        store.add_coding(segment, ola, "ola", 1)
    store.settle(c, "tolk", "per", 1, note="tolk nevnes først")
    store.settle(d, "annet", "per", 1)  # the coders agree, but a settled code is what an export takes
    labels = {c.id: c.label for c in store.codebook().categories}
    table = disagreement_table(store.current_codings(question=QUESTION), store.adjudications(question=QUESTION),
                               labels)
    assert list(table["segment_id"]) == sorted([a, c, d])
    rows = table.set_index("segment_id")
    assert rows.loc[a, "codes"] == f"kari: {labels['bolig']} · ola: {labels['tolk']}"
    assert rows.loc[a, ["settled_code", "settled_by", "settled_at", "note"]].tolist() == ["", "", "", ""]
    assert rows.loc[c, ["settled_code", "settled_by", "note"]].tolist() == [labels["tolk"], "per", "tolk nevnes først"]
    assert rows.loc[c, "settled_at"].endswith(" UTC") and len(rows.loc[c, "settled_at"]) == len("2025-11-23 15:14 UTC")
    assert rows.loc[d, "settled_code"] == labels["annet"]
    assert rows.loc[a, "text"] == segments.set_index("segment_id").loc[a, "text"]


def test_the_queue_reads_codes_under_todays_codebook_and_lists_what_needs_a_coder(project):
    """Issue 16: a code under a category merged since shows as the category it went into; a code
    under a split category counts as not coded and is listed for a coder to decide."""
    from fritekst.codebook import merge_category, split_category

    store, run_id = project
    segments = store.segments(run_id, question=QUESTION)
    answered = segments[~segments["non_answer"]]["segment_id"].tolist()
    split_one, merged_one, kept_one = answered[-1], answered[-2], answered[3]
    store.add_coding(split_one, "helse_psykiatri", "kari", 1)
    store.add_coding(merged_one, "forskning_gode_eksempler", "kari", 1)
    store.add_coding(kept_one, "tolk", "kari", 1)
    store.add_coding(split_one, "helse_psykiatri", "ola", 1)
    v1 = store.codebook()
    v2 = store.save_codebook(merge_category(v1, "forskning_gode_eksempler", "statistikk_kunnskap"), expected_version=1)
    today = store.save_codebook(split_category(v2, "helse_psykiatri", [("helsetjenester", "Helsetjenester"),
                                                                       ("psykisk_helse", "Psykisk helse")]),
                                expected_version=2)

    queue = coding_queue(segments, store.people_codes(QUESTION), "kari", codebook=today).set_index("segment_id")

    assert queue.loc[merged_one, "my_code"] == "statistikk_kunnskap"
    assert queue.loc[kept_one, "my_code"] == "tolk"
    assert queue.loc[split_one, "my_code"] == "" and queue.loc[split_one, "others"] == ""
    # as an export counts it: kari's (latest) code where a person coded, else the model's suggestion
    said = segments[~segments["non_answer"]]
    suggested_split = {s for s, codes in zip(said["segment_id"], said["codes"]) if "helse_psykiatri" in codes.split(";")}
    expected = {split_one} | (suggested_split - {merged_one, kept_one})
    assert set(queue.index[queue["needs_coder"]]) == expected and len(expected) > 1
    assert not set(queue["code_id"]) & {"helse_psykiatri", "forskning_gode_eksempler"}
    waiting = filter_queue(queue, CodingFilters(needs_coder_only=True))
    assert set(waiting.index) == expected


def test_a_theme_split_goes_through_the_split_clusterer_with_the_runs_seed(tmp_path, example_run, monkeypatch):
    """The seed a split uses is the one the run's manifest records, and the same split of the same
    run gives the same halves."""
    from dataclasses import replace

    from fritekst.themes import SPLIT_CLUSTERER, clusterers

    seeds = []

    def recording(**params):  # the registered split clusterer, noting the seed it is given
        seeds.append(params["random_state"])
        return clusterers.KMeansParts(**params)

    monkeypatch.setitem(clusterers._REGISTRY, SPLIT_CLUSTERER, recording)
    run = replace(example_run[0], manifest={**example_run[0].manifest, "seed": 7})
    halves = []
    for name in ("one", "two"):
        with open_store(tmp_path / f"{name}.db") as store:
            store.import_survey(EXAMPLE, load_mapping(ROOT / "examples" / "demo.yaml"))
            run_id = store.save_run(run)
            assert store.run_manifest(run_id)["seed"] == 7
            theme = int(store.themes(run_id, question=QUESTION)["theme_id"].iloc[0])
            new = split_theme(store, run_id, QUESTION, theme, lambda texts: segment_vectors(texts, "tfidf", None, 7),
                              actor="kari")
            segments = store.segments(run_id, question=QUESTION)
            halves.append(segments.loc[segments["theme_id"] == new, ["id", "segment"]].values.tolist())
    assert seeds == [7, 7]
    assert halves[0] and halves[0] == halves[1]
