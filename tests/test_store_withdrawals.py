"""Undo in the store: a coder withdraws their last save as a new, audited event, on SQLite and
PostgreSQL; the codings table only grows, and no other coder's or segment's coding changes."""

from __future__ import annotations

import pytest

from fritekst.errors import InputError
from fritekst.store import MODEL_CODER, open_store

QUESTION = "q17_barrierer"


@pytest.fixture
def store(example_store_url):
    with open_store(example_store_url) as opened:
        yield opened


def answered(store):
    segments = store.segments(question=QUESTION)
    return segments[~segments["non_answer"]]["segment_id"].tolist()


def people(store):
    current = store.current_codings()
    return current[current["coder"] != MODEL_CODER].set_index(["segment_id", "coder"])["code_id"].to_dict()


def test_undo_restores_the_coders_previous_code_and_goes_further_back_when_repeated(store):
    ids = answered(store)
    second, third, last = ids[1], ids[2], ids[-1]
    store.add_coding(third, "tolk", "ola", 1)
    store.add_coding(second, "bolig", "kari", 1)
    store.add_coding(second, "tolk", "kari", 1, memo="egentlig tolk")
    store.add_codings([third, last], "arbeidsmarked", "kari", 1)  # a whole theme at once
    history = len(store.codings())
    assert people(store) == {(third, "ola"): "tolk", (second, "kari"): "tolk", (third, "kari"): "arbeidsmarked",
                             (last, "kari"): "arbeidsmarked"}

    assert sorted(store.withdraw_last("kari")) == sorted([third, last])
    assert people(store) == {(third, "ola"): "tolk", (second, "kari"): "tolk"}
    assert store.withdraw_last("kari") == [second]
    assert people(store) == {(third, "ola"): "tolk", (second, "kari"): "bolig"}
    assert store.withdraw_last("kari") == [second]
    assert people(store) == {(third, "ola"): "tolk"}
    with pytest.raises(InputError, match="kari has no coding to undo"):
        store.withdraw_last("kari")

    codings = store.codings()
    assert len(codings) == history + 4  # appended, never rewritten
    log = store.audit_log()
    assert list(log[log["action"] == "withdraw"]["actor"]) == ["kari"] * 3


def test_an_export_after_undo_falls_back_to_the_other_coder_and_then_the_model(store, tmp_path):
    import pandas as pd

    ids = answered(store)
    segment = ids[-2]
    store.add_coding(segment, "tolk", "ola", 1)
    store.add_coding(segment, "arbeidsmarked", "kari", 1)
    store.withdraw_last("kari")
    exported = pd.read_csv(store.export_run(tmp_path / "ut") / "assignments.csv", dtype=str, keep_default_na=False)
    segments = store.segments(question=QUESTION).set_index("segment_id")
    row = exported[(exported["question"] == QUESTION) & (exported["id"] == str(segments.loc[segment, "id"]))
                   & (exported["segment"] == str(segments.loc[segment, "segment"]))]
    assert list(row[["code_id", "coded_by"]].itertuples(index=False, name=None)) == [("tolk", "ola")]
