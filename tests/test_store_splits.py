"""Issue 13: a coder codes part of an answer. Splitting an answer puts its sentences in its place
in the run, once, on SQLite and PostgreSQL; a sentence is coded, exported, reported, settled and
undone like any segment, and the respondent is counted once per category."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from test_store import table_counts

from fritekst.clean import clean_answers, sentence_segments
from fritekst.errors import InputError
from fritekst.report._tables import Labels, category_counts, coded_units, respondents
from fritekst.store import MODEL_CODER, open_store
from fritekst.store import _splits
from fritekst.store._engine import writing
from fritekst.survey import load_answers, load_mapping
from fritekst.workspace import disagreement_table, question_overview

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
QUESTION = "q17_barrierer"


@pytest.fixture
def store(example_store_url):
    with open_store(example_store_url) as opened:
        yield opened


def splittable(store) -> pd.Series:
    """The second-to-last answered segment of the question with two sentences or more."""
    segments = store.segments(question=QUESTION)
    said = segments[~segments["non_answer"]]
    return said[[len(sentence_segments(text)) > 1 for text in said["text"]]].iloc[-2]


def rows_of(table: pd.DataFrame, answer: pd.Series) -> pd.DataFrame:
    return table[(table["question"] == QUESTION) & (table["id"].astype(str) == str(answer["id"]))]


def without(table: pd.DataFrame, answer: pd.Series) -> pd.DataFrame:
    return table.drop(rows_of(table, answer).index).reset_index(drop=True)


def counts(store) -> dict[str, list[int]]:
    """The report's category table of the question: category -> [respondents, statements]."""
    result = store.run_result()
    rows = result.assignments[result.assignments["question"] == QUESTION]
    table = category_counts(rows, Labels.from_codebook(result.codebook))
    return {c: [r, u] for c, r, u in zip(table["category"], table["respondents"], table["units"])}


def test_split_puts_the_sentences_in_the_answers_place_once(store):
    answer = splittable(store)
    whole = int(answer["segment_id"])
    sentences = [text for text, _ in sentence_segments(answer["text"])]
    before, segments, themes = table_counts(store), store.segments(), store.themes(question=QUESTION)
    place = int(segments.index[segments["segment_id"] == whole][0])

    parts = store.split_answer(1, whole, actor="kari")

    assert len(parts) == len(sentences) and whole not in parts
    after = table_counts(store)
    assert {name: after[name] - before[name] for name in after if after[name] != before[name]} == {
        "segments": len(sentences), "run_segments": len(sentences) - 1, "audit_log": 1}
    now = store.segments()
    mine = rows_of(now, answer)
    assert mine["segment_id"].tolist() == parts
    assert mine["segment"].tolist() == list(range(len(sentences)))
    assert mine["text"].tolist() == sentences
    assert list(mine.index) == list(range(place, place + len(sentences)))  # where the answer was
    assert (mine["theme_id"] == answer["theme_id"]).all() and not mine["non_answer"].any()
    assert (mine["code_id"] == "").all() and (mine["coded_by"] == "").all()  # the model read the whole answer
    pd.testing.assert_frame_equal(without(now, answer), without(segments, answer))
    theme = themes.set_index("theme_id").loc[answer["theme_id"]]
    recounted = store.themes(question=QUESTION).set_index("theme_id")
    assert recounted.loc[answer["theme_id"], "n_segments"] == theme["n_segments"] + len(sentences) - 1
    assert recounted.drop(index=answer["theme_id"]).equals(themes.set_index("theme_id").drop(index=answer["theme_id"]))
    entry = store.audit_log().iloc[-1]
    assert (entry["actor"], entry["action"], entry["entity"], entry["entity_id"]) == ("kari", "split_answer", "run", "1")
    assert entry["before"]["segment_id"] == whole and entry["after"]["segments"] == parts

    log = store.audit_log()
    assert store.split_answer(1, whole, actor="ola") == parts  # splitting again adds nothing
    assert table_counts(store) == after
    pd.testing.assert_frame_equal(store.audit_log(), log)
    with pytest.raises(InputError, match="one sentence; there is nothing to split"):
        store.split_answer(1, parts[1], actor="ola")
    assert table_counts(store) == after


def test_a_sentence_is_coded_and_counted_once_per_respondent(store, tmp_path):
    answer = splittable(store)
    whole = int(answer["segment_id"])
    store.add_coding(whole, "arbeidsmarked", "ola", 1)  # the whole answer, before the split
    before, result_before = counts(store), store.run_result().assignments
    people = respondents(result_before[result_before["question"] == QUESTION])
    parts = store.split_answer(1, whole, actor="kari")

    store.add_coding(parts[1], "tolk", "kari", 1, memo="Bare andre setning.", quote_candidate=True)
    exported = pd.read_csv(store.export_run(tmp_path / "ut") / "assignments.csv", dtype=str, keep_default_na=False)
    rows = rows_of(exported, answer)
    assert rows[["segment", "code_id", "coded_by", "quote_candidate"]].values.tolist() == [
        ["0", "", "", "False"], ["1", "tolk", "kari", "True"]]
    result = store.run_result().assignments
    pd.testing.assert_frame_equal(without(result, answer), without(result_before, answer))
    units = coded_units(result[result["question"] == QUESTION])
    assert rows_of(units.assign(question=QUESTION), answer)[["segment", "category"]].values.tolist() == [[1, "tolk"]]
    after, (tolk, statements), (work, work_statements) = counts(store), before.get("tolk", [0, 0]), before["arbeidsmarked"]
    # the respondent moves from ola's code of the whole answer to kari's code of its second sentence
    assert after["tolk"] == [tolk + 1, statements + 1]
    assert after.get("arbeidsmarked", [0, 0]) == [work - 1, work_statements - 1]
    assert after.get("ikke_kodet") == before.get("ikke_kodet")
    pd.testing.assert_frame_equal(respondents(result[result["question"] == QUESTION]), people)

    store.add_coding(parts[0], "tolk", "kari", 1)  # both sentences: one respondent, two statements
    assert counts(store)["tolk"] == [tolk + 1, statements + 2]


def test_a_sentence_is_undone_settled_and_measured_like_any_answer(store):
    answer = splittable(store)
    parts = store.split_answer(1, int(answer["segment_id"]), actor="kari")
    store.add_coding(parts[1], "tolk", "ola", 1)
    current = store.current_codings()
    store.add_coding(parts[1], "bolig", "kari", 1)
    assert store.withdraw_last("kari") == [parts[1]]
    pd.testing.assert_frame_equal(store.current_codings(), current)

    store.add_coding(parts[1], "bolig", "kari", 1)
    codings = store.current_codings(question=QUESTION)
    table = disagreement_table(codings[codings["coder"] != MODEL_CODER], store.adjudications(question=QUESTION))
    assert table["segment_id"].tolist() == [parts[1]]
    assert table["text"].tolist() == [sentence_segments(answer["text"])[1][0]]
    overview = question_overview(store.segments(question=QUESTION), codings).iloc[0]
    assert overview["coders"] == 2 and overview["segments"] == len(store.segments(question=QUESTION)) - \
        int(store.segments(question=QUESTION)["non_answer"].sum())
    store.settle(parts[1], "tolk", "per", 1, note="Tolk er hovedsaken.")
    rows = rows_of(store.run_result().assignments, answer)
    assert rows[["segment", "code_id", "coded_by"]].values.tolist() == [[0, "", ""], [1, "tolk", "per"]]


def test_two_coders_splitting_one_answer_at_once_make_one_set_of_sentences(store):
    """Ola's split is open (uncommitted) when kari's starts: kari's waits for it and then finds the
    answer split, on SQLite and on PostgreSQL."""
    answer = splittable(store)
    whole = int(answer["segment_id"])
    before = table_counts(store)
    with ThreadPoolExecutor(1) as pool:
        with writing(store.engine) as connection:
            ola = _splits.split_answer(connection, 1, whole, "ola")
            kari = pool.submit(store.split_answer, 1, whole, "kari")
        assert kari.result(timeout=120) == ola
    after = table_counts(store)
    assert after["segments"] - before["segments"] == len(ola)
    assert after["run_segments"] - before["run_segments"] == len(ola) - 1
    assert store.audit_log()["action"].tolist().count("split_answer") == 1


def test_what_cannot_be_split_is_refused_and_nothing_changes(store):
    segments = store.segments(question=QUESTION)
    single = segments["text"].map(lambda text: len(sentence_segments(text)) == 1)
    one = segments[~segments["non_answer"] & single].iloc[1]
    nothing = segments[segments["non_answer"] & ~segments["blank"]].iloc[-1]
    before = table_counts(store)
    with pytest.raises(InputError, match="is one sentence"):
        store.split_answer(1, int(one["segment_id"]), actor="kari")
    with pytest.raises(InputError, match="is a non-answer"):
        store.split_answer(1, int(nothing["segment_id"]), actor="kari")
    with pytest.raises(InputError, match="no segment 999999"):
        store.split_answer(1, 999999, actor="kari")
    with pytest.raises(InputError, match="no run 7"):
        store.split_answer(7, int(one["segment_id"]), actor="kari")
    assert table_counts(store) == before


def test_an_answer_is_split_as_a_sentence_run_cuts_it():
    """The same splitter as ``--segment sentence``: every answer of the example survey, sentence
    texts and non-answer flags alike."""
    answers = load_answers(EXAMPLE, load_mapping(ROOT / "examples" / "demo.yaml"))
    cut = clean_answers(answers, segment_mode="sentence")
    whole = clean_answers(answers)
    said = whole[~whole["non_answer"]]
    for row in said.itertuples(index=False):
        run = cut[(cut["id"] == row.id) & (cut["question"] == row.question)]
        assert sentence_segments(row.text) == list(zip(run["text"], run["non_answer"])), row.id
