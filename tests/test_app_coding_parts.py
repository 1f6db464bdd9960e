"""Issue 13: on the Koding page a coder splits an answer (not the first) into its sentences and
codes its second sentence; the store holds exactly that split and that coding, and undo takes the
coding back."""

from __future__ import annotations

import pytest
from test_app_acts_on_what_is_shown import NB, QUESTION, app, people_codings

from fritekst.clean import sentence_segments
from fritekst.store import open_store

pytestmark = pytest.mark.slow  # drives the whole workspace app on the example project


def test_a_coder_splits_a_later_answer_and_codes_its_second_sentence(example_project):
    with open_store(example_project) as store:
        said = store.segments(question=QUESTION)
        said = said[~said["non_answer"]].reset_index(drop=True)
        several = said.index[said["text"].map(lambda text: len(sentence_segments(text)) > 1)]
        place = int(several[-2])  # the queue holds the answered segments in run order
        answer = said.loc[place]
        sentences = [text for text, _ in sentence_segments(answer["text"])]
        before = len(store.segments())
    assert place > 0
    at = app(example_project, "coding")
    at.number_input(key="position").set_value(place + 1).run()
    whole = int(answer["segment_id"])
    assert any(t.value == answer["text"] for t in at.text)
    at.button(key=f"split_{whole}").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [NB["split_done"].format(n=len(sentences))]

    with open_store(example_project) as store:
        now = store.segments()
        parts = now[(now["question"] == QUESTION) & (now["id"] == answer["id"])]["segment_id"].tolist()
        assert len(now) == before + len(sentences) - 1 and whole not in parts
        assert list(store.audit_log()["action"])[-1] == "split_answer"
    # the first sentence is shown where the answer was, then the second one
    assert at.number_input(key="position").value == place + 1
    assert any(t.value == sentences[0] for t in at.text)
    assert NB["part_of"].format(number=1, total=len(sentences)) in [c.value for c in at.caption]
    at.button(key="next").click().run()
    assert any(t.value == sentences[1] for t in at.text)
    assert at.button(key=f"save_next_{parts[1]}") is not None  # the shortcuts' target for this sentence
    at.selectbox(key=f"code_{parts[1]}").select("tolk")
    at.text_area(key=f"memo_{parts[1]}").input("Bare denne setningen.")
    at.checkbox(key=f"quote_{parts[1]}").check()
    at.button(key=f"save_next_{parts[1]}").click().run()
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        coded = people_codings(store)
    assert coded[["segment_id", "coder", "code_id", "memo", "quote_candidate"]].values.tolist() == [
        [parts[1], "kari", "tolk", "Bare denne setningen.", True]]

    at.button(key="undo").click().run()
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        assert people_codings(store)["code_id"].tolist() == ["tolk", ""]  # appended: the withdrawal
        assert store.current_codings(coder="kari").empty
