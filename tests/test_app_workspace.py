"""The coder workspace's five pages, driven with streamlit.testing on a real SQLite store
holding the example survey, its run and the IMDi codebook."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from fritekst.app.workspace_texts import WORKSPACE_TEXTS
from fritekst.store import open_store
from fritekst.workspace import merge_themes
from fritekst.workspace.answer_map import segment_vectors

QUESTION = "q17_barrierer"


@pytest.fixture
def project(example_project):
    return example_project


def _script(target: str) -> None:
    # AppTest runs this function's source as a script: imports go inside.
    from fritekst.app.streamlit_main import run_from_argv

    run_from_argv(["app", target])


@pytest.fixture(autouse=True)
def _who_codes(monkeypatch):
    """The app's coder is the process's user: each test sets ``$FRITEKST_USER``, put back after."""
    monkeypatch.setenv("FRITEKST_USER", "kari")


def app(project, page="overview", coder="kari", language="nb"):
    os.environ["FRITEKST_USER"] = coder  # who codes is who runs the app (put back by _who_codes)
    at = AppTest.from_function(_script, args=(str(project),), default_timeout=90)
    at.run()
    at.sidebar.radio(key="language").set_value(language)
    at.sidebar.selectbox(key="question").select(QUESTION)
    at.sidebar.radio(key="page").set_value(page)
    return at.run()


def test_overview_shows_every_question_with_counts(project):
    at = app(project, "overview")
    assert not at.exception, at.exception
    assert at.title[0].value == "fritekst – kodeverksted"
    table = at.dataframe[0].value
    assert list(table["Spørsmål"]) == ["q12_bistand", "q17_barrierer", "q23_samarbeid"]
    with open_store(project) as store:
        segments = store.segments()
    said = segments[~segments["non_answer"]].drop_duplicates(["id", "question"])
    assert list(table["Besvart"]) == [int((said["question"] == q).sum()) for q in table["Spørsmål"]]
    assert set(table["Andel kodet"]) == {"0\u00a0%"}


def test_themes_page_renames_merges_splits_and_accepts_a_theme(project):
    at = app(project, "themes")
    assert not at.exception, at.exception
    themes_before = at.dataframe[0].value
    first = int(themes_before["#"].iloc[0])
    rename_box(at).input("Boligmarkedet")
    at.button[[b.label for b in at.button].index("Lagre navnet")].click().run()
    assert not at.exception, at.exception
    with open_store(project) as store:
        assert "Boligmarkedet" in set(store.themes(question=QUESTION)["label"])
    size = int(themes_before.set_index("#").loc[first, "Svar"])
    next(s for s in at.selectbox if s.key.startswith("accept_code")).select("bolig")
    accept = next(b for b in at.button if b.label.startswith("Kod alle"))
    accept.click().run()
    assert not at.exception, at.exception
    with open_store(project) as store:
        codings = store.current_codings(question=QUESTION, coder="kari")
    assert len(codings) >= size  # segments, at least one per answer
    second = int(themes_before["#"].iloc[1])
    at.multiselect(key="merge_with").select(second)
    at.button[[b.label for b in at.button].index("Slå sammen")].click().run()
    assert not at.exception, at.exception
    merged = at.dataframe[0].value
    assert len(merged) == len(themes_before) - 1
    at.button(key="split").click().run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == len(themes_before)
    with open_store(project) as store:
        assert {"rename_theme", "merge_themes", "split_theme"} <= set(store.audit_log()["action"])


def test_themes_page_shows_generic_words_and_places_among_the_keywords_in_brackets(project):
    at = app(project, "themes")
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    with open_store(project) as store:
        themes = store.themes(question=QUESTION)
    marked = {int(t): {k for k in str(m).split(", ") if k} for t, m in zip(themes["theme_id"], themes["marked_keywords"])}
    assert any(marked.values())  # the example's answers say «kommune», «stor», name places
    for theme_id, cell in zip(shown["#"], shown["Nøkkelord"]):
        for keyword in cell.split(", "):
            assert keyword.startswith("(") == (keyword.strip("()") in marked[int(theme_id)]), (cell, marked)
    assert any("i parentes" in caption.value for caption in at.caption)


def rename_box(at):
    return next(w for w in at.text_input if w.key and w.key.startswith("rename_label"))


def click(at, label):
    return at.button[[b.label for b in at.button].index(label)].click().run()


def tfidf(texts):
    return segment_vectors(texts, "tfidf")


def test_themes_page_refuses_a_rename_of_a_theme_another_coder_renamed_meanwhile(project):
    at = app(project, "themes")
    first = int(at.dataframe[0].value["#"].iloc[0])
    with open_store(project) as store:  # ola renames it while kari's page shows it
        store.rename_theme(int(store.runs()["run_id"].iloc[-1]), QUESTION, first, "Ola sitt navn", actor="ola")
    rename_box(at).input("Kari sitt navn")
    click(at, "Lagre navnet")
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [WORKSPACE_TEXTS["nb"]["theme_changed"]]
    assert "Ola sitt navn" in set(at.dataframe[0].value["Navn"])  # the page shows the theme as it is now
    with open_store(project) as store:
        assert store.themes(question=QUESTION).set_index("theme_id")["label"][first] == "Ola sitt navn"
    assert rename_box(at).value == "Ola sitt navn"  # the box shows the stored name, not the refused one
    rename_box(at).input("Kari sitt navn")
    click(at, "Lagre navnet")  # made again from what the page shows now, the rename goes through
    assert not at.error
    with open_store(project) as store:
        assert store.themes(question=QUESTION).set_index("theme_id")["label"][first] == "Kari sitt navn"


def test_a_theme_merged_away_meanwhile_is_not_swapped_for_the_one_the_widgets_fall_back_to(project):
    """Streamlit drops a chosen theme that is gone from its widgets; the edit must not then be made
    with what is left (the first theme), but refused."""
    at = app(project, "themes", language="en")
    with open_store(project) as store:
        run_id = int(store.runs()["run_id"].iloc[-1])
        themes = store.themes(question=QUESTION).set_index("theme_id")
    first, rest = themes.index[0], themes.iloc[1:]["n_segments"]
    big, small = rest.idxmax(), rest.idxmin()
    assert rest[big] > rest[small]  # a merge keeps the larger theme and its id
    at.multiselect(key="merge_with").select(small).run()
    with open_store(project) as store:
        merge_themes(store, run_id, QUESTION, [big, small], tfidf, actor="ola")
        before = store.themes(question=QUESTION)
    click(at, "Merge")
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [WORKSPACE_TEXTS["en"]["theme_changed"]]
    chosen = next(t for t in before["theme_id"] if t not in (first, big))  # smaller than big, which grew
    at.selectbox(key="theme").select(chosen).run()
    with open_store(project) as store:
        merge_themes(store, run_id, QUESTION, [big, chosen], tfidf, actor="ola")
        before = store.themes(question=QUESTION)
    assert chosen not in set(before["theme_id"])
    at.button(key="split").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="theme").value == first
    assert [e.value for e in at.error] == [WORKSPACE_TEXTS["en"]["theme_changed"]]
    with open_store(project) as store:
        pd.testing.assert_frame_equal(store.themes(question=QUESTION), before)


def test_coding_page_saves_a_coding_moves_on_and_filters(project):
    at = app(project, "coding")
    assert not at.exception, at.exception
    total = int(at.caption[1].value.split(" av ")[1].split()[0].replace("\u00a0", ""))
    first_text = at.text[1].value  # after the question text
    form_code = next(s for s in at.selectbox if s.key and s.key.startswith("code_"))
    form_code.select("helse_psykiatri")
    next(b for b in at.button if b.label == "Lagre og neste").click().run()
    assert not at.exception, at.exception
    with open_store(project) as store:
        mine = store.current_codings(question=QUESTION, coder="kari")
    assert list(mine["code_id"]) == ["helse_psykiatri"] and mine["text"].iloc[0] == first_text
    assert at.number_input(key="position").value == 2
    assert any("Lagret" in s.value for s in at.success)
    at.text_input(key="f_search").input("bolig").run()
    shown = int(at.caption[1].value.split(" av ")[0].replace("\u00a0", ""))
    assert 0 < shown < total
    answer = at.text[1].value
    assert "bolig" in answer.casefold()
    at.checkbox(key="f_uncoded").check().run()
    assert not at.exception, at.exception


def test_codebook_page_saves_a_new_version_and_refuses_a_stale_edit(project):
    at = app(project, "codebook")
    assert not at.exception, at.exception
    at.selectbox(key="edit_id").select("bolig").run()
    at.text_input(key="edit_label_bolig_v1").input("Mangel på egnede boliger")
    at.button[[b.label for b in at.button].index("Lagre som ny versjon")].click().run()
    assert not at.exception, at.exception
    with open_store(project) as store:
        codebook = store.codebook()
        assert codebook.version == 2 and codebook.category("bolig").label == "Mangel på egnede boliger"
        # another coder saves version 3 while this page still shows version 2
        store.save_codebook(codebook.model_copy(update={"description": "endret av ola"}), author="ola",
                            expected_version=2)
    at.text_input(key="edit_label_bolig_v2").input("Boliger")
    at.button[[b.label for b in at.button].index("Lagre som ny versjon")].click().run()
    assert any("version" in e.value for e in at.error), [e.value for e in at.error]
    with open_store(project) as store:
        assert store.codebook().version == 3 and store.codebook().category("bolig").label == "Mangel på egnede boliger"


def test_agreement_page_shows_alpha_pairs_and_disagreements(project):
    with open_store(project) as store:
        segments = store.segments(question=QUESTION)
        ids = segments[~segments["non_answer"]]["segment_id"].tolist()[:6]
        for i, segment in enumerate(ids):
            store.add_coding(segment, "bolig", "kari", 1)
            store.add_coding(segment, "bolig" if i < 4 else "arbeidsmarked", "ola", 1)
    at = app(project, "agreement")
    assert not at.exception, at.exception
    pairs = at.dataframe[0].value
    assert (pairs.iloc[0]["Koder A"], pairs.iloc[0]["Koder B"], pairs.iloc[0]["Felles svar"]) == ("kari", "ola", 6)
    assert pairs.iloc[0]["Enighet"] == "67\u00a0%"  # 4 of 6, as Norwegian reports print it
    assert len(at.dataframe[2].value) == 2  # two disagreements to adjudicate


def test_a_leser_sees_the_counts_in_english_and_no_answer_text(project, monkeypatch):
    """Issue 17: a leser gets Oversikt alone, without the export that holds every answer."""
    with open_store(project) as store:
        store.grant_role("per", "prosjektleder", actor="per")
        store.grant_role("lise", "leser", actor="per")
        some_answers = store.segments()["text"].dropna().str.strip().loc[lambda t: t.str.len() > 30].tolist()[:20]
    monkeypatch.setenv("FRITEKST_USER", "lise")
    at = AppTest.from_function(_script, args=(str(project),), default_timeout=90).run()
    at.sidebar.radio(key="language").set_value("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "fritekst – coding workspace"
    assert at.sidebar.radio(key="page").options == ["Overview"]
    assert "Coder: **lise** (role: leser)" in at.sidebar.caption[0].value
    assert not any(b.label.startswith("Prepare") or "export" in b.label.lower() for b in at.button)
    shown = " ".join(str(element.value) for element in at.main if hasattr(element, "value"))
    assert at.dataframe and not any(answer in shown for answer in some_answers)


def test_nobody_signed_in_on_a_team_server_sees_nothing_of_the_project(project, monkeypatch):
    monkeypatch.setenv("FRITEKST_AUTH", "oidc")
    at = AppTest.from_function(_script, args=(str(project),), default_timeout=90).run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == ["Logg inn for å se prosjektet."]
    assert [b.label for b in at.button] == ["Logg inn"]
    assert not at.dataframe and not at.selectbox and len(at.sidebar.radio) == 1  # the language alone


def test_every_workspace_text_exists_in_both_languages():
    def keys(texts, prefix=""):
        return {f"{prefix}{k}" for k, v in texts.items()} | {
            key for k, v in texts.items() if isinstance(v, dict) for key in keys(v, f"{k}.")}

    assert keys(WORKSPACE_TEXTS["nb"]) == keys(WORKSPACE_TEXTS["en"])


def test_coding_in_the_order_that_teaches_the_model_fastest(project):
    from fritekst.workspace import answer_queue, learning_queue

    with open_store(project) as store:
        run_id = int(store.runs()["run_id"].iloc[-1])
        queue = answer_queue(store.segments(run_id, question=QUESTION))
        manifest = store.run_manifest(run_id)
    expected = learning_queue(queue, segment_vectors(list(queue["text"]), manifest["embedder"]))
    at = app(project, "coding")
    at.radio(key="order").set_value("learn_fastest").run()
    assert not at.exception, at.exception
    assert at.radio(key="order").value == "learn_fastest"
    assert at.text[1].value == expected["text"].iloc[0]  # the page starts at the first of the new order
    first = expected.iloc[0]
    assert first["confidence"] < queue["confidence"].median()  # an answer the model is unsure of
    form_code = next(s for s in at.selectbox if s.key and s.key.startswith("code_"))
    assert form_code.key == f"code_{first['segment_id']}"
    form_code.select("tolk")
    next(b for b in at.button if b.label == "Lagre og neste").click().run()
    assert not at.exception, at.exception
    with open_store(project) as store:
        mine = store.current_codings(question=QUESTION, coder="kari")
    assert list(zip(mine["segment_id"], mine["code_id"])) == [(first["segment_id"], "tolk")]  # exactly one row
    assert at.number_input(key="position").value == 2
    assert at.text[1].value == expected["text"].iloc[1]  # the order stayed put after the save


def test_coding_page_filters_nynorsk_answers_and_shows_them_as_written(project):
    at = app(project, "coding")
    assert not at.exception, at.exception
    with open_store(project) as store:
        segments = store.segments(question=QUESTION)
    nynorsk = segments[(segments["language"] == "nn") & ~segments["non_answer"]]
    assert len(nynorsk), "the example survey has Nynorsk answers"
    choice = at.multiselect(key="f_languages")
    assert "nn" in choice.options or "Nynorsk" in choice.options
    choice.select("nn").run()
    assert not at.exception, at.exception
    shown = int(at.caption[1].value.split(" av ")[0].replace("\u00a0", ""))
    assert shown == len(nynorsk)
    assert at.text[1].value in set(nynorsk["text"])  # the answer as the respondent wrote it
