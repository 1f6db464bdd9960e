"""The run viewer (a run directory, read only): one question's themes, their representative answers and members."""

from __future__ import annotations

import streamlit as st

from fritekst.app.answer_view import show_answer
from fritekst.app.run_viewer_categories import show_categories
from fritekst.app.run_viewer_texts import TEXTS
from fritekst.results import filter_members, question_summary, question_text, questions, roles, theme_members
from fritekst.run_table import RunResult


def main(run: RunResult | None, problem: str = "") -> None:
    """Draw the page for ``run`` (None: explain how to make one, and what was wrong)."""
    st.set_page_config(page_title="fritekst", layout="wide")
    language = st.sidebar.radio("Språk / Language", ["nb", "en"], format_func={"nb": "Norsk", "en": "English"}.get, horizontal=True)
    t = TEXTS[language]
    st.title(t["title"])
    if run is None:
        st.info(t["no_run"])
        if problem:
            st.caption(problem)
        return
    manifest = run.manifest
    st.caption(t["run_info"].format(embedder=manifest["embedder"], seed=manifest["seed"], version=manifest["fritekst_version"]))

    question = st.selectbox(t["question"], questions(run), key="question")
    asked = question_text(run, question)
    if asked:
        st.text(asked)

    summary = question_summary(run, question)
    columns = st.columns(4)
    for column, key in zip(columns, ("answered", "non_answers", "blank", "themes")):
        column.metric(t[key], summary[key])

    themes = run.themes[run.themes["question"] == question]
    st.subheader(t["themes"])
    st.dataframe(
        themes[["theme_id", "label", "n_answers", "keywords"]].rename(
            columns={"theme_id": "#", "label": t["label"], "n_answers": t["size"], "keywords": t["keywords"]}
        ),
        hide_index=True,
        width="stretch",
    )

    labels = dict(zip(themes["theme_id"], themes["label"]))
    if not labels:
        show_categories(run, question, t)
        return
    theme_id = st.selectbox(t["theme"], list(labels), format_func=lambda i: f"{i} · {labels[i]}", key="theme")
    members = theme_members(run, question, theme_id)

    st.subheader(t["quotes"])
    for _, row in members[members["representative"]].iterrows():
        who = " · ".join(str(row[c]) for c in ("role", "wave") if c in row and row[c])
        show_answer(row["text"], who or row["id"])

    st.subheader(t["answers_in_theme"])
    role_choices = roles(members)
    role = None
    if role_choices:
        picked = st.selectbox(t["role"], [t["all_roles"], *role_choices], key="role")
        role = None if picked == t["all_roles"] else picked
    members = filter_members(members, role, st.text_input(t["search"], key="search"))
    headings = {"id": "ID", "role": t["role"], "wave": t["wave"], "text": t["answer"]}
    shown = [c for c in headings if c in members]
    st.dataframe(members[shown].rename(columns=headings), hide_index=True, width="stretch")

    show_categories(run, question, t)
