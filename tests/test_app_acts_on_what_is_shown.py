"""Issue 13: every action in the coder workspace acts on exactly what the coder sees.

Each test picks a non-first item (category, theme, answer), acts on it through the page, and
checks in the store that exactly that item changed and nothing else did.
"""

from __future__ import annotations

import os

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from fritekst.app.workspace_texts import WORKSPACE_TEXTS
from fritekst.store import MODEL_CODER, open_store

pytestmark = pytest.mark.slow  # drives the whole workspace app on the example project

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
QUESTION = "q17_barrierer"
SUGGESTED = "q23_samarbeid"  # with the TF-IDF example run, its later themes have suggested categories
NB = WORKSPACE_TEXTS["nb"]


def _script(target: str) -> None:
    from fritekst.app.streamlit_main import run_from_argv

    run_from_argv(["app", target])


@pytest.fixture(autouse=True)
def _who_codes(monkeypatch):
    """The app's coder is the process's user: each test sets ``$FRITEKST_USER``, put back after."""
    monkeypatch.setenv("FRITEKST_USER", "kari")


def app(project, page, coder="kari", question=QUESTION):
    os.environ["FRITEKST_USER"] = coder  # who codes is who runs the app (put back by _who_codes)
    at = AppTest.from_function(_script, args=(str(project),), default_timeout=90)
    at.run()
    at.sidebar.selectbox(key="question").select(question)
    at.sidebar.radio(key="page").set_value(page)
    return at.run()


def click(at, label):
    return at.button[[b.label for b in at.button].index(label)].click().run()


def people_codings(store, question=QUESTION):
    codings = store.codings(question=question)
    return codings[codings["coder"] != MODEL_CODER]


def test_editing_a_later_category_shows_and_saves_that_category(example_project):
    """Defect 1: the edit form showed the first category whatever was chosen, and saved its fields
    over the chosen one."""
    with open_store(example_project) as store:
        before = store.codebook()
    active = [c.id for c in before.categories if c.retired is None and not c.special]
    chosen = before.category("tolk")
    assert active.index("tolk") > 0
    at = app(example_project, "codebook")
    at.selectbox(key="edit_id").select("tolk").run()
    label = next(w for w in at.text_input if w.key and w.key.startswith("edit_label"))
    keywords = next(w for w in at.text_input if w.key and w.key.startswith("edit_keywords"))
    assert label.value == chosen.label
    assert keywords.value == ", ".join(chosen.keywords)
    description = next(w for w in at.text_area if w.key and w.key.startswith("edit_description"))
    description.input(chosen.description + " Også skriftlig oversettelse.")
    click(at, NB["save_version"])
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        after = store.codebook()
    assert after.version == before.version + 1
    edited = after.category("tolk")
    assert edited.description == chosen.description + " Også skriftlig oversettelse."
    assert (edited.label, edited.keywords, edited.examples, edited.parent) == (
        chosen.label, chosen.keywords, chosen.examples, chosen.parent)
    others = lambda book: [c for c in book.categories if c.id != "tolk"]  # noqa: E731
    assert others(after) == others(before)


def _themes_with_different_suggestions(project):
    with open_store(project) as store:
        themes = store.themes(question=SUGGESTED)
    first = themes.iloc[0]
    suggested = themes["suggested_code"].fillna("")
    other = themes[(themes["theme_id"] != first["theme_id"]) & (suggested != "")
                   & (suggested != (first["suggested_code"] or ""))]
    assert not other.empty, "the example run needs two themes with different suggestions"
    return themes, other.iloc[-1]


def test_accepting_a_later_theme_offers_and_codes_its_own_suggestion(example_project):
    """Defect 2: "Kod alle" pre-selected the first drawn theme's category for every theme."""
    themes, chosen = _themes_with_different_suggestions(example_project)
    theme_id = int(chosen["theme_id"])
    at = app(example_project, "themes", question=SUGGESTED)
    at.selectbox(key="theme").select(theme_id).run()
    accept = next(s for s in at.selectbox if s.key and s.key.startswith("accept_code"))
    assert accept.value == chosen["suggested_code"]
    next(b for b in at.button if b.label.startswith("Kod alle")).click().run()
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        segments = store.segments(question=SUGGESTED)
        coded = people_codings(store, question=None)
    members = segments[(segments["theme_id"] == theme_id) & ~segments["non_answer"]]["segment_id"]
    assert set(coded["segment_id"]) == set(members)
    assert set(coded["code_id"]) == {chosen["suggested_code"]} and set(coded["coder"]) == {"kari"}


def test_an_answer_without_a_confident_suggestion_is_not_saved_as_the_first_category(example_project):
    """Defect 3: with no suggestion the code box pre-filled the first category, and "Lagre og
    neste" saved it as the coder's code."""
    question = QUESTION
    with open_store(example_project) as store:
        segments = store.segments(question=question)
    unsure = segments[~segments["non_answer"] & (segments["code_id"].fillna("") == "")]
    assert len(unsure) >= 1
    at = app(example_project, "coding", question=question)
    at.checkbox(key="f_uncoded").check()
    assert at.select_slider(key="f_confidence").value == (0.0, 1.0)
    # open an answer with no suggestion that is not the first in the queue
    rows = segments[~segments["non_answer"]].reset_index(drop=True)
    position = int(rows.index[rows["segment_id"] == unsure["segment_id"].iloc[-1]][0]) + 1
    assert position > 1
    at.number_input(key="position").set_value(position).run()
    assert any(NB["no_suggestion"] in m.value for m in at.markdown)
    code = next(s for s in at.selectbox if s.key and s.key.startswith("code_"))
    assert code.value is None
    click(at, NB["save_next"])
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [NB["choose_code"]]
    with open_store(example_project) as store:
        assert people_codings(store).empty
    code = next(s for s in at.selectbox if s.key and s.key.startswith("code_"))
    code.select("tolk")
    click(at, NB["save_next"])
    with open_store(example_project) as store:
        coded = people_codings(store)
    assert list(coded["segment_id"]) == [int(unsure["segment_id"].iloc[-1])]
    assert list(coded["code_id"]) == ["tolk"]


@pytest.fixture
def project_without_codebook(tmp_path):
    """The example survey run without --codebook into a project store, as a new user starts."""
    from fritekst.run import run_survey
    from fritekst.settings import build_run_config

    path = tmp_path / "fritekst.db"
    config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", embedder="tfidf")
    result = run_survey(EXAMPLE, config)
    with open_store(path) as store:
        store.import_survey(EXAMPLE, config.mapping)
        store.save_run(result)
    return path


def test_a_project_without_a_codebook_codes_once_one_is_uploaded(project_without_codebook):
    """Defect 4: Koding crashed (KeyError code_id) on a run without a codebook, and an uploaded
    codebook was saved but never picked up."""
    at = app(project_without_codebook, "coding")
    assert not at.exception, at.exception
    assert any(NB["no_codebook"] in i.value for i in at.info)
    at.sidebar.radio(key="page").set_value("codebook").run()
    assert not at.exception, at.exception
    data = (ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml").read_bytes()
    uploaded = _upload(at, "kodebok.yaml", data)
    assert not uploaded.exception, uploaded.exception
    with open_store(project_without_codebook) as store:
        assert store.codebook().version == 1
    assert not any(NB["no_codebook"] in i.value for i in uploaded.info)
    uploaded.sidebar.radio(key="page").set_value("coding").run()
    assert not uploaded.exception, uploaded.exception
    assert not any(NB["no_codebook"] in i.value for i in uploaded.info)
    code = next(s for s in uploaded.selectbox if s.key and s.key.startswith("code_"))
    code.select("tolk")
    click(uploaded, NB["save"])
    with open_store(project_without_codebook) as store:
        coded = people_codings(store)
    assert list(coded["code_id"]) == ["tolk"] and list(coded["codebook_version"]) == [1]


def _upload(at, name, data):
    at.file_uploader(key="upload").set_value((name, data, "application/x-yaml")).run()
    return click(at, NB["save_version"])


def test_overview_and_agreement_show_the_same_alpha(example_project):
    """Defect 5: Oversikt showed alpha 0,00 where Enighet showed 0,51 for the same codings."""
    from fritekst.agreement import krippendorff_alpha

    with open_store(example_project) as store:
        segments = store.segments(question=QUESTION)
        ids = segments[~segments["non_answer"]]["segment_id"].tolist()[3:13]
        codes = ["bolig", "tolk", "bolig", "arbeidsmarked", "tolk", "bolig", "arbeidsmarked", "tolk", "bolig", "tolk"]
        for i, (segment, code) in enumerate(zip(ids, codes)):
            store.add_coding(segment, code, "kari", 1)
            store.add_coding(segment, code if i % 3 else "bolig", "ola", 1)
        codings = store.current_codings(question=QUESTION)
    people = codings[codings["coder"] != MODEL_CODER][["segment_id", "coder", "code_id"]]
    people = people.rename(columns={"segment_id": "segment"})
    expected = pd.Series([krippendorff_alpha(people)]).map(lambda a: f"{a:.2f}".replace(".", ","))[0]
    assert expected not in ("0,00", "1,00", "nan")
    overview = app(example_project, "overview")
    row = overview.dataframe[0].value.set_index("Spørsmål").loc[QUESTION]
    assert row["Krippendorffs alfa"] == expected
    agreement = app(example_project, "agreement")
    assert agreement.metric[0].value == expected


def test_the_theme_worked_on_stays_chosen_through_a_rename_and_is_the_one_split(example_project):
    """Defect 6: the rename box kept the first theme's name, the selector showed the old label
    after a rename, and a split could hit theme 0."""
    with open_store(example_project) as store:
        themes = store.themes(question=QUESTION)
    chosen = themes.iloc[-2]
    theme_id = int(chosen["theme_id"])
    at = app(example_project, "themes")
    at.selectbox(key="theme").select(theme_id).run()
    rename = next(w for w in at.text_input if w.key and w.key.startswith("rename_label"))
    assert rename.value == chosen["label"]
    rename.input("Språk og tolking")
    click(at, NB["rename_button"])
    assert not at.exception, at.exception
    assert at.selectbox(key="theme").value == theme_id
    assert "Språk og tolking" in at.selectbox(key="theme").options[list(themes["theme_id"]).index(theme_id)]
    rename = next(w for w in at.text_input if w.key and w.key.startswith("rename_label"))
    assert rename.value == "Språk og tolking"
    with open_store(example_project) as store:
        renamed = store.themes(question=QUESTION)
        segments_before = store.segments(question=QUESTION)
    changed = renamed.compare(themes)
    assert list(changed.index) == [themes.index[themes["theme_id"] == theme_id][0]]
    at.button(key="split").click().run()
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        segments_after = store.segments(question=QUESTION)
    moved = segments_before.set_index("segment_id")["theme_id"] != segments_after.set_index("segment_id")["theme_id"]
    assert moved.any()
    assert set(segments_before.set_index("segment_id")["theme_id"][moved]) == {theme_id}


def test_an_answer_is_shown_as_text_never_as_markdown_or_html(tmp_path):
    """An answer with a remote image is shown as written; the coder's browser fetches nothing."""
    from fritekst.run import run_survey
    from fritekst.settings import build_run_config

    answers = ["Vi trenger flere boliger til flyktninger.", "Mangel på tolker i helsetjenesten.",
               "Boligmangel gjør bosetting vanskelig.", "Tolk på telefon fungerer dårlig.",
               "Se ![logo](http://evil.example/p.png) og <img src=http://evil.example/q.png> *her*",
               "Det er for få utleieboliger."]
    survey = tmp_path / "svar.csv"
    survey.write_text("id;rolle;svar\n" + "".join(f"{i};rådmann;{a}\n" for i, a in enumerate(answers, 1)),
                      encoding="utf-8")
    config = build_run_config(text=["svar"], id="id", role="rolle", embedder="tfidf",
                              codebook=ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml")
    project = tmp_path / "fritekst.db"
    with open_store(project) as store:
        store.import_survey(survey, config.mapping)
        store.save_run(run_survey(survey, config))
    at = app(project, "coding", question="svar")
    at.number_input(key="position").set_value(5).run()
    assert not at.exception, at.exception
    assert answers[4] in [t.value for t in at.text]
    assert not any("evil.example" in m.value for m in at.markdown)
    at.sidebar.radio(key="page").set_value("themes").run()
    assert not at.exception, at.exception
    assert not any("evil.example" in m.value for m in at.markdown)


def test_undo_withdraws_my_last_coding_and_a_whole_accepted_theme(example_project):
    """Undo appends a withdrawal: the coding table grows, only my codings of those answers change."""
    themes, chosen = _themes_with_different_suggestions(example_project)
    with open_store(example_project) as store:
        store.add_coding(int(store.segments(question=SUGGESTED)["segment_id"].iloc[-1]), "tolk", "ola", 1)
        before = store.current_codings()
        history = len(store.codings())
    at = app(example_project, "themes", question=SUGGESTED)
    at.selectbox(key="theme").select(int(chosen["theme_id"])).run()
    next(b for b in at.button if b.label.startswith("Kod alle")).click().run()
    with open_store(example_project) as store:
        accepted = len(people_codings(store, question=None)[lambda c: c["coder"] == "kari"])
    assert accepted > 1
    at.button(key="undo").click().run()
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        pd.testing.assert_frame_equal(store.current_codings(), before)
        assert len(store.codings()) == history + 2 * accepted

    at.sidebar.radio(key="page").set_value("coding").run()
    at.number_input(key="position").set_value(3).run()
    code = next(s for s in at.selectbox if s.key and s.key.startswith("code_"))
    code.select("tolk")
    click(at, NB["save_next"])
    with open_store(example_project) as store:
        assert len(store.current_codings()) == len(before) + 1
    at.button(key="undo").click().run()
    assert not at.exception, at.exception
    assert any(NB["undone"].format(n=1) in s.value for s in at.success)
    with open_store(example_project) as store:
        pd.testing.assert_frame_equal(store.current_codings(), before)
        assert set(store.audit_log()["action"]) >= {"withdraw"}


def test_other_coders_codes_are_shown_by_their_labels(example_project):
    with open_store(example_project) as store:
        segment = int(store.segments(question=QUESTION)[lambda s: ~s["non_answer"]]["segment_id"].iloc[1])
        store.add_coding(segment, "anmodning_dialog", "ola", 1)
        store.add_coding(segment, "tolk", "kari", 1)
        label = store.codebook().category("anmodning_dialog").label
    at = app(example_project, "coding")
    at.number_input(key="position").set_value(2).run()
    others = [m.value for m in at.markdown if m.value.startswith("Andre koderes")]
    assert others == [NB["others"].format(others=f"ola: {label}")]
    mine = [m.value for m in at.markdown if m.value.startswith("✓")]
    assert mine == [NB["mine"].format(label="Tolk og språk")]


def test_a_first_time_coder_makes_the_themes_categories_and_codes_with_them(project_without_codebook):
    """From a run without a codebook to coding, through the app alone: the themes become draft
    categories; the coder leaves one out and renames another; version 1 holds exactly those."""
    with open_store(project_without_codebook) as store:
        themes = store.themes(question=QUESTION)
    assert len(themes) >= 3
    at = app(project_without_codebook, "codebook")
    assert not at.exception, at.exception
    includes = [c for c in at.checkbox if c.key and c.key.startswith("draft_include_")]
    labels = [w for w in at.text_input if w.key and w.key.startswith("draft_label_")]
    assert [w.value for w in labels] == list(themes["label"])
    includes[1].uncheck()
    labels[-1].input("Kapasitet i tjenestene")
    click(at, NB["save_drafts"])
    assert not at.exception, at.exception
    with open_store(project_without_codebook) as store:
        codebook = store.codebook()
    assert codebook.version == 1
    own = [c for c in codebook.categories if not c.special]
    assert [c.label for c in own] == [*themes["label"].iloc[[0, *range(2, len(themes) - 1)]], "Kapasitet i tjenestene"]
    assert all(c.keywords and c.examples for c in own)
    last = own[-1]
    marked = {k.strip() for k in str(themes["marked_keywords"].iloc[-1]).split(",")}
    assert marked & {k.strip() for k in themes["keywords"].iloc[-1].split(",")}  # a theme with marked keywords
    assert list(last.keywords) == [k.strip() for k in themes["keywords"].iloc[-1].split(",") if k.strip() not in marked]

    at.sidebar.radio(key="page").set_value("coding").run()
    assert not at.exception, at.exception
    code = next(s for s in at.selectbox if s.key and s.key.startswith("code_"))
    code.select(last.id)
    click(at, NB["save"])
    with open_store(project_without_codebook) as store:
        coded = people_codings(store)
    assert list(coded["code_id"]) == [last.id] and list(coded["codebook_version"]) == [1]


def test_draft_ids_never_take_an_existing_or_retired_id():
    from fritekst.workspace import draft_categories

    themes = pd.DataFrame({"label": ["Bolig", "Språk og tolk", "Bolig"], "keywords": ["bolig", "tolk", "hus"],
                           "representative_ids": ["2;1", "3", ""]})
    segments = pd.DataFrame({"id": ["1", "2", "2", "3"], "text": ["En.", "To a.", "To b.", "Tre."]})
    drafts = draft_categories(themes, segments, taken={"bolig"})
    assert list(drafts["id"]) == ["bolig_2", "sprak_og_tolk", "bolig_3"]
    assert list(drafts["examples"]) == ["To a. To b.\nEn.", "Tre.", ""]


def test_a_draft_category_leaves_out_the_keywords_the_themes_page_marks():
    from fritekst.workspace import draft_categories

    themes = pd.DataFrame({"label": ["Bolig", "Tolk"], "keywords": ["bolig, Bergen, stor, leiepris", "tolk, behov"],
                           "marked_keywords": ["Bergen, stor", None], "representative_ids": ["1", "2"]})
    segments = pd.DataFrame({"id": ["1", "2"], "text": ["Få boliger i Bergen.", "Behov for tolk."]})
    drafts = draft_categories(themes, segments)
    assert list(drafts["keywords"]) == ["bolig, leiepris", "tolk, behov"]


def test_a_reload_opens_the_same_question_page_and_answer_and_the_address_names_no_coder(example_project):
    """Issue 17: who codes is the person running the app; an address saying ``coder=per`` (an old
    bookmark, a link someone sent) changes nothing about whose codes are saved."""
    at = app(example_project, "coding", question="q23_samarbeid")
    at.number_input(key="position").set_value(4).run()
    address = dict(at.query_params)
    assert address == {"question": "q23_samarbeid", "page": "coding", "position": "4", "order": "survey"}
    reloaded = AppTest.from_function(_script, args=(str(example_project),), default_timeout=90)
    reloaded.query_params.update({**address, "coder": "per"})
    reloaded.run()
    assert not reloaded.exception, reloaded.exception
    assert "coder" not in dict(reloaded.query_params)
    assert "Koder: **kari**" in reloaded.sidebar.caption[0].value
    assert reloaded.sidebar.selectbox(key="question").value == "q23_samarbeid"
    assert reloaded.number_input(key="position").value == 4
    unknown = AppTest.from_function(_script, args=(str(example_project),), default_timeout=90)
    unknown.query_params.update({**address, "question": "finnes_ikke", "position": "x"})
    unknown.run()
    assert not unknown.exception, unknown.exception
    assert unknown.sidebar.selectbox(key="question").value == "q12_bistand"


def test_memos_are_listed_per_question_and_the_export_is_the_cli_export(example_project, tmp_path):
    from fritekst.run_table import assignments_csv

    with open_store(example_project) as store:
        segments = store.segments(question=QUESTION)[lambda s: ~s["non_answer"]]
        second, last = int(segments["segment_id"].iloc[1]), int(segments["segment_id"].iloc[-1])
        store.add_coding(second, "tolk", "ola", 1, memo="Nevner tolk.\nSjekk også bolig.")
        store.add_coding(last, "bolig", "kari", 1, memo="Typisk sitat")
        store.add_coding(int(segments["segment_id"].iloc[2]), "bolig", "kari", 1)
        labels = [store.codebook().category(c).label for c in ("bolig", "tolk")]
        exported = (store.export_run(tmp_path / "ut") / "assignments.csv").read_text(encoding="utf-8")
        assert assignments_csv(store.run_result()) == exported
    at = app(example_project, "coding")
    memos = next(d.value for d in at.dataframe if "Notat" in d.value.columns)
    assert list(memos["Notat"]) == ["Typisk sitat", "Nevner tolk.\nSjekk også bolig."]
    assert list(memos["Kode"]) == labels
    overview = app(example_project, "overview")
    overview.button(key="export_prepare").click().run()
    assert not overview.exception, overview.exception
    assert overview.get("download_button")


def test_the_answer_map_names_themes_in_its_legend_and_shows_answers_on_hover(example_project):
    import json

    at = app(example_project, "themes")
    assert not at.exception, at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert spec["encoding"]["color"]["field"] == "theme" and spec["encoding"]["color"]["title"] == NB["theme"]
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["answer", "theme", "code"]
    assert charts[0].proto.selection_mode == ["chosen"]


def test_settling_a_later_disagreement_settles_that_answer_and_nothing_else(example_project):
    """Enighet lists each disagreement with the answer and each coder's code by its label; the one
    chosen (the last, not the first) is the one settled, and settling it again supersedes it."""
    with open_store(example_project) as store:
        segments = store.segments(question=QUESTION)
        ids = segments[~segments["non_answer"]]["segment_id"].tolist()[2:8]
        others = iter(["tolk", "arbeidsmarked", "annet"])
        for i, segment in enumerate(ids):
            store.add_coding(segment, "bolig", "kari", 1)
            store.add_coding(segment, "bolig" if i % 2 else next(others), "ola", 1)
        codings, log = store.codings(), store.audit_log()
        label = {c.id: c.label for c in store.codebook().categories}.get
    disputed = ids[0::2]
    at = app(example_project, "agreement", coder="per")
    assert not at.exception, at.exception
    table = at.dataframe[2].value
    assert list(table["#"]) == disputed
    texts = segments.set_index("segment_id")["text"]
    assert list(table[NB["answer"]]) == [texts[s] for s in disputed]
    assert list(table[NB["coders_codes"]]) == [f"kari: {label('bolig')} · ola: {label(code)}"
                                               for code in ("tolk", "arbeidsmarked", "annet")]
    assert (table[NB["settled_by"]] == "").all()

    chosen = disputed[-1]
    at.selectbox(key=f"settle_segment_{QUESTION}").select(chosen).run()
    code = at.selectbox(key=f"settle_code_{chosen}")
    assert code.value is None  # nothing is settled by default
    click(at, NB["settle"])
    assert [e.value for e in at.error] == [NB["choose_code"]]
    with open_store(example_project) as store:
        assert store.adjudications(history=True).empty
    at.selectbox(key=f"settle_code_{chosen}").select("tolk")
    at.text_area(key=f"settle_note_{chosen}").input("Svaret handler om tolk")
    click(at, NB["settle"])
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        settled = store.adjudications(history=True)
        assert settled[["segment_id", "code_id", "adjudicator", "codebook_version", "note"]].to_dict("records") == [
            {"segment_id": chosen, "code_id": "tolk", "adjudicator": "per", "codebook_version": 1,
             "note": "Svaret handler om tolk"}]
        pd.testing.assert_frame_equal(store.codings(), codings)  # the coders' codes are as they were
        new = store.audit_log().iloc[len(log):]
        assert list(new["action"]) == ["settle"] and list(new["entity_id"]) == [str(chosen)]
    table = at.dataframe[2].value.set_index("#")
    assert table.loc[chosen, NB["settled_code"]] == label("tolk") and table.loc[chosen, NB["settled_by"]] == "per"
    assert (table.drop(index=chosen)[NB["settled_by"]] == "").all()

    at.selectbox(key=f"settle_code_{chosen}").select("bolig")  # settled again: the later one wins
    click(at, NB["settle"])
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        assert list(store.adjudications(history=True)["code_id"]) == ["tolk", "bolig"]
        assert store.adjudications()[["segment_id", "code_id"]].values.tolist() == [[chosen, "bolig"]]


def test_a_quick_code_saves_what_the_form_holds_for_the_answer_shown_and_moves_on_once(example_project):
    """The save buttons save in their callbacks: the memo, quote flag and further codes filled in
    for the answer shown (not the first) are stored with the quick code, and the page moves one on."""
    from fritekst.workspace import quick_codes

    at = app(example_project, "coding")
    at.number_input(key="position").set_value(3).run()
    quick = next(b for b in at.button if b.key and b.key.startswith("quick_") and b.key.endswith("_2"))
    segment = int(quick.key.split("_")[1])
    with open_store(example_project) as store:
        codable = [c.id for c in store.codebook().codable()]
        suggested = store.segments(question=QUESTION).set_index("segment_id").loc[segment, "codes"]
    code = quick_codes(suggested, codable)[1]
    extra = next(c for c in codable if c != code)
    at.text_area(key=f"memo_{segment}").input("  Godt sitat.  ")
    at.checkbox(key=f"quote_{segment}").check()
    at.multiselect(key=f"more_{segment}").select(extra)
    quick.click().run()
    assert not at.exception, at.exception
    assert at.number_input(key="position").value == 4
    with open_store(example_project) as store:
        coded = people_codings(store)
        label = store.codebook().category(code).label
    assert [s.value for s in at.success] == [NB["saved"].format(code=label)]
    assert coded[["segment_id", "code_id", "memo", "quote_candidate", "extra_codes"]].values.tolist() == [
        [segment, code, "Godt sitat.", True, extra]]


def test_the_list_of_answers_is_drawn_when_opened_with_codes_by_their_labels(example_project):
    with open_store(example_project) as store:
        segment = int(store.segments(question=QUESTION)[lambda s: ~s["non_answer"]]["segment_id"].iloc[1])
        store.add_coding(segment, "tolk", "kari", 1)
        label = store.codebook().category("tolk").label
    at = app(example_project, "coding")
    assert not at.dataframe  # closed: 10 000 rows are not sent on every draw
    at.session_state["listing"] = True
    at.run()
    assert not at.exception, at.exception
    listing = at.dataframe[0].value
    assert list(listing[NB["my_code"]]).count(label) == 1
    assert len(listing) == int(at.caption[1].value.split(" av ")[0].replace("\u00a0", ""))


def test_a_codebook_made_in_the_app_gets_the_models_suggestions_on_request(project_without_codebook):
    """Issue 13: suggestions came only from `fritekst run --codebook`; a project that made its
    codebook in the app coded without them."""
    at = app(project_without_codebook, "codebook")
    uploaded = _upload(at, "kodebok.yaml", (ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml").read_bytes())
    assert any(NB["suggest_none"] in i.value for i in uploaded.info)
    with open_store(project_without_codebook) as store:
        assert "code_id" not in store.segments() and store.codings().empty
    suggested = click(uploaded, NB["suggest"])
    assert not suggested.exception, suggested.exception
    with open_store(project_without_codebook) as store:
        segments = store.segments()
        codings = store.codings()
        run = store.runs().iloc[-1]
        name = store.codebook().name
    answered = segments[~segments["non_answer"]]
    assert (answered["code_id"] != "").sum() > len(answered) // 2 and (answered["coded_by"] == MODEL_CODER).all()
    assert set(codings["coder"]) == {MODEL_CODER} and set(codings["codebook_version"]) == {1}
    assert (run["codebook"], run["codebook_version"]) == (name, 1)
    assert not any(NB["suggest_none"] in i.value for i in suggested.info)
    assert not [b for b in suggested.button if b.label == NB["suggest"]]


def test_an_earlier_waves_answer_under_a_split_category_is_listed_and_coded_again(two_wave_project):
    """Issue 16: answers whose category was split since are listed for a coder, in the run of their
    own wave, and once coded they count under today's category and leave the list."""
    from fritekst.results import load_run

    with open_store(two_wave_project) as store:
        runs = store.runs()
    earlier = int(runs["run_id"].iloc[0])
    before = load_run(two_wave_project).assignments
    waiting_before = before[before["needs_coder"] & (before["question"] == QUESTION)]
    assert len(waiting_before) > 1

    at = app(two_wave_project, "coding")
    at.sidebar.selectbox(key="run").select(earlier).run()
    assert not at.exception, at.exception
    box = at.checkbox(key="f_needs_coder")
    assert f"({len(waiting_before)})" in box.label
    box.check().run()
    last = len(waiting_before)
    at.number_input(key="position").set_value(last).run()  # the last one listed
    code = next(s for s in at.selectbox if s.key and s.key.startswith("code_"))
    segment_id = int(code.key.split("_")[-1])
    code.select("psykisk_helse")
    click(at, NB["save"])
    assert not at.exception, at.exception

    with open_store(two_wave_project) as store:
        coded = people_codings(store)
        current = store.codebook().version
    assert coded[["segment_id", "code_id", "coder"]].values.tolist() == [[segment_id, "psykisk_helse", "kari"]]
    assert list(coded["codebook_version"]) == [current]
    after = load_run(two_wave_project).assignments
    waiting_after = after[after["needs_coder"] & (after["question"] == QUESTION)]
    assert len(waiting_after) == len(waiting_before) - 1


def test_a_themes_suggestion_merged_since_is_offered_as_its_successor(example_project):
    """A theme whose suggested category was merged into another since is offered that other
    category, never the retired one (accepting would code every answer under a retired id)."""
    from fritekst.codebook import merge_category

    with open_store(example_project) as store:
        themes = store.themes(question=SUGGESTED)
        row = themes[themes["suggested_code"].fillna("") != ""].iloc[-1]
        retired, theme_id = row["suggested_code"], int(row["theme_id"])
        codebook = store.codebook()
        target = next(c.id for c in codebook.codable() if c.id != retired and not c.special)
        store.save_codebook(merge_category(codebook, retired, target), expected_version=codebook.version)
    at = app(example_project, "themes", question=SUGGESTED)
    at.selectbox(key="theme").select(theme_id).run()
    accept = at.selectbox(key=f"accept_code_{theme_id}")
    assert accept.value == target and retired not in accept.options


def test_a_sub_theme_s_broad_theme_is_renamed_on_temaer_for_all_its_sub_themes(example_project):
    """A broad theme split in sub-themes is a heading of its own in the report; Temaer renames it
    from any of its sub-themes (here the later half of a split), on every sub-theme's row and no other."""
    from fritekst.workspace import split_theme
    from fritekst.workspace.answer_map import segment_vectors

    with open_store(example_project) as store:
        run_id = int(store.runs()["run_id"].iloc[-1])
        split = int(store.themes(question=QUESTION)["theme_id"].iloc[-2])
        new = split_theme(store, run_id, QUESTION, split, lambda texts: segment_vectors(texts, "tfidf"), actor="kari")
        before = store.themes(question=QUESTION).set_index("theme_id")
    family = sorted(before.index[before["parent_theme"] == before.loc[new, "parent_theme"]])
    assert len(family) == 2 and new in family
    at = app(example_project, "themes")
    at.selectbox(key="theme").select(new).run()
    rename = next(w for w in at.text_input if w.key and w.key.startswith("rename_broad_"))
    assert rename.value == before.loc[new, "parent_label"]
    rename.input("Språk og tolking")
    click(at, NB["rename_broad_button"])
    assert not at.exception, at.exception
    with open_store(example_project) as store:
        after = store.themes(question=QUESTION).set_index("theme_id")
    changed = after.compare(before)
    assert sorted(changed.index) == family and set(changed.columns.get_level_values(0)) == {"parent_label"}
    assert set(after.loc[family, "parent_label"]) == {"Språk og tolking"}
    assert f"Språk og tolking › {before.loc[new, 'label']}" in at.selectbox(key="theme").options[
        list(after.index).index(new)]
