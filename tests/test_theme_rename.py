"""A coder's name for a theme is what the report prints: renaming a broad theme left whole renames
its heading in the report's «Temaer» table (``parent_label``), and a broad theme with sub-themes is
renamed on its own, on every sub-theme's row (decision 021)."""

from __future__ import annotations

import pandas as pd
import pytest

from fritekst.report._tables import theme_table
from fritekst.store import open_store

QUESTION = "q17_barrierer"


def _table(store, question: str) -> pd.DataFrame:
    return theme_table(store.segments(question=question), store.themes(question=question)).frame


def _levels(themes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(themes that are a broad theme left whole, themes that are sub-themes of a split one)."""
    siblings = themes.groupby("parent_theme")["theme_id"].transform("size")
    return themes[siblings == 1], themes[siblings > 1]


@pytest.fixture
def split_project(example_project):
    """The example project with one theme of :data:`QUESTION` (not the first) split by a coder, as
    on Temaer: its two halves are the sub-themes of one broad theme, the others broad themes left whole."""
    from fritekst.workspace import split_theme
    from fritekst.workspace.answer_map import segment_vectors

    with open_store(example_project) as store:
        run_id = int(store.runs()["run_id"].iloc[-1])
        theme = int(store.themes(question=QUESTION)["theme_id"].iloc[-2])
        split_theme(store, run_id, QUESTION, theme, lambda texts: segment_vectors(texts, "tfidf"), actor="kari")
    return example_project


def test_renaming_a_broad_theme_left_whole_renames_its_heading_in_the_report(split_project):
    question = QUESTION
    with open_store(split_project) as store:
        before = store.themes(question=question).set_index("theme_id")
        whole, _ = _levels(before.reset_index())
        chosen = int(whole["theme_id"].iloc[-1])  # the last, not the first
        assert before.loc[chosen, "parent_label"] in set(_table(store, question)["Tema"])
        store.rename_theme(int(store.runs()["run_id"].iloc[-1]), question, chosen, "Språk og tolking", actor="kari")
        after = store.themes(question=question).set_index("theme_id")
        table = _table(store, question)
    changed = after.compare(before)
    assert list(changed.index) == [chosen]
    assert after.loc[chosen, ["label", "parent_label"]].tolist() == ["Språk og tolking", "Språk og tolking"]
    assert "Språk og tolking" in set(table["Tema"]) and before.loc[chosen, "label"] not in set(table["Tema"])


def test_a_sub_theme_and_its_broad_theme_are_renamed_apart(split_project):
    question = QUESTION
    with open_store(split_project) as store:
        run_id = int(store.runs()["run_id"].iloc[-1])
        before = store.themes(question=question).set_index("theme_id")
        _, split = _levels(before.reset_index())
        chosen = int(split["theme_id"].iloc[-1])
        parent = int(before.loc[chosen, "parent_theme"])
        family = sorted(before.index[before["parent_theme"] == parent])
        store.rename_theme(run_id, question, chosen, "Tolk på telefon", actor="kari")
        renamed = store.themes(question=question).set_index("theme_id")
        store.rename_broad_theme(run_id, question, parent, "Språk", actor="kari")
        after = store.themes(question=question).set_index("theme_id")
        table = _table(store, question)
        log = store.audit_log()
    assert list(renamed.compare(before).index) == [chosen]  # the sub-theme only: its label only
    assert renamed.loc[chosen, "label"] == "Tolk på telefon"
    assert renamed.loc[chosen, "parent_label"] == before.loc[chosen, "parent_label"]
    changed = after.compare(renamed)
    assert sorted(changed.index) == family and set(changed.columns.get_level_values(0)) == {"parent_label"}
    assert set(after.loc[family, "parent_label"]) == {"Språk"}
    heading = table.index[table["Tema"] == "Språk"]
    under = table.loc[heading[0] + 1:heading[0] + len(family), "Undertema"] if len(heading) == 1 else []
    assert "Tolk på telefon" in set(under)
    assert before.loc[chosen, "parent_label"] not in set(table["Tema"])
    assert (log["action"] == "rename_broad_theme").sum() == len(family)
