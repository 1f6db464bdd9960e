"""Temaer: one question's themes, a map of its answers, and the coder's theme actions
(rename a theme or its broad theme, merge, split, accept a category for the whole theme)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fritekst.app.answer_view import show_answer
from fritekst.app.workspace import Workspace, done, undo_button
from fritekst.report import format_number, format_percent
from fritekst.store import ThemeChanged, theme_versions
from fritekst.workspace import accept_theme, answer_map, broad_themes, merge_themes, segment_codes, split_theme


def show(ws: Workspace) -> None:
    t = ws.t
    st.header(t["pages"]["themes"])
    segments = ws.segments(ws.question)
    answered = segments[~segments["non_answer"]].reset_index(drop=True)
    themes = ws.themes()
    if themes.empty or answered.empty:
        st.info(t["nothing"])
        return
    table = themes.assign(
        suggested=themes.get("suggested_code", pd.Series("", index=themes.index)).fillna("").map(ws.category_label),
        share=themes.get("suggested_code_share", pd.Series(float("nan"), index=themes.index)).map(format_percent),
    )
    headings = {"theme_id": "#", "label": t["label"], "n_answers": t["size"], "keywords": t["keywords"],
                "suggested": t["suggested"], "share": t["share"]}
    broad = broad_themes(themes)
    if broad:  # two levels: each theme under its broad theme, in outline order
        table = table.assign(broad=themes["theme_id"].map(broad))
        headings = {"broad": t["broad"], **headings}
    if "marked_keywords" in themes:  # runs made before marked keywords have none
        table["keywords"] = [marked_in_brackets(k, m) for k, m in zip(table["keywords"], table["marked_keywords"])]
    st.dataframe(table[list(headings)].rename(columns=headings), hide_index=True, width="stretch")
    if table["keywords"].str.contains("(", regex=False).any():
        st.caption(t["marked_caption"])

    vectors_of = lambda texts: ws.vectors(tuple(texts))  # noqa: E731
    labels = dict(zip(themes["theme_id"], themes["label"]))
    _map(ws, answered, vectors_of, labels)

    theme_id = st.selectbox(t["theme"], list(labels), key="theme",
                            format_func=lambda i: f"{i} · {broad[i]} › {labels[i]}" if i in broad else f"{i} · {labels[i]}")
    row = themes[themes["theme_id"] == theme_id].iloc[0]
    members = answered[answered["theme_id"] == theme_id]
    st.subheader(t["quotes"])
    representatives = str(row.get("representative_ids") or "").split(";")
    for _, answer in members[members["id"].isin(representatives)].drop_duplicates("id").iterrows():
        who = " · ".join(str(answer[c]) for c in ("role", "wave") if pd.notna(answer.get(c)) and answer.get(c))
        show_answer(answer["text"], who or answer["id"])
    with st.expander(f"{t['members']} ({format_number(len(members))})"):
        st.dataframe(members[["id", "role", "wave", "text"]], hide_index=True, width="stretch")
    if not ws.coder:
        st.info(t["need_coder"])
        return
    try:
        _actions(ws, theme_id, labels, members, row, vectors_of, theme_versions(themes, segments), broad.get(theme_id))
    except ThemeChanged:  # another coder's edit came first; this draw already shows it
        st.error(t["theme_changed"])


def marked_in_brackets(keywords: str, marked: str) -> str:
    """A theme's keywords as the Temaer page shows them: the marked ones (generic words, places) in brackets."""
    aside = {k.strip() for k in str(marked or "").split(",")}
    return ", ".join(f"({k})" if k in aside else k for k in (k.strip() for k in str(keywords or "").split(",")) if k)


def _map(ws: Workspace, answered: pd.DataFrame, vectors_of, labels: dict[int, str]) -> None:
    """The answers as points, coloured and named by theme (or code); hovering shows the answer,
    clicking a point shows it in full under the map."""
    import altair as alt

    t = ws.t
    st.subheader(t["map"])
    colour = st.radio(t["colour_by"], ["theme", "code"], horizontal=True, key="map_colour",
                      format_func={"theme": t["by_theme"], "code": t["by_code"]}.get)
    code = segment_codes(answered, ws.codings(ws.question), ws.adjudications(ws.question))
    points = answer_map(vectors_of(answered["text"].fillna("").tolist())).assign(
        segment_id=answered["segment_id"].to_numpy(),
        answer=answered["text"].fillna("").str.slice(0, 300).to_numpy(),
        theme=answered["theme_id"].astype(int).map(lambda i: f"{i} · {labels.get(i, '')}").to_numpy(),
        code=code.map(ws.category_label).replace("", "–").to_numpy(),
    )
    chosen = alt.selection_point(name="chosen", fields=["segment_id"])
    chart = alt.Chart(points).mark_circle(size=70, opacity=0.8).encode(
        x=alt.X("x", axis=None), y=alt.Y("y", axis=None),
        color=alt.Color(f"{colour}:N", title=t["theme"] if colour == "theme" else t["code"]),
        tooltip=[alt.Tooltip("answer", title=t["answer"]), alt.Tooltip("theme", title=t["theme"]),
                 alt.Tooltip("code", title=t["code"])],
    ).add_params(chosen).properties(height=380)
    event = st.altair_chart(chart, on_select="rerun", key="answer_map", width="stretch")
    for picked in event.selection.get("chosen", []) if event else []:
        row = answered[answered["segment_id"] == picked.get("segment_id")]
        if len(row):
            show_answer(row["text"].iloc[0], " · ".join(str(v) for v in (row["id"].iloc[0], row["role"].iloc[0]) if pd.notna(v)))


def _actions(ws: Workspace, theme_id: int, labels: dict, members: pd.DataFrame, row: pd.Series, vectors_of,
             versions: dict[int, str], broad_label: str | None) -> None:
    t = ws.t
    left, right = st.columns(2)
    # Not in a form: a choice made outside one is kept by theme id when the theme is renamed.
    others = right.multiselect(t["merge"], [i for i in labels if i != theme_id], key="merge_with",
                               placeholder=t["choose"], format_func=lambda i: f"{i} · {labels[i]}")
    theme, others, seen = _as_seen(ws, theme_id, others, versions)
    # Keyed by the theme and its stored name: a widget's default is read once per key, so a fixed
    # key would keep showing the first theme's name (and a rename elsewhere would not show).
    with left.form(f"rename_form_{theme_id}"):
        label = st.text_input(t["rename"], value=labels[theme_id], key=f"rename_label_{theme_id}_{labels[theme_id]}")
        if st.form_submit_button(t["rename_button"]):
            ws.store.rename_theme(ws.run_id, ws.question, theme, label, actor=ws.coder, seen=seen)
            done(t["done_rename"].format(label=label.strip()))
    if broad_label is not None:  # a sub-theme: its broad theme is a heading of its own, renamed on its own
        parent = int(row["parent_theme"])
        with left.form(f"rename_broad_form_{parent}"):
            label = st.text_input(t["rename_broad"], value=broad_label, key=f"rename_broad_{parent}_{broad_label}")
            if st.form_submit_button(t["rename_broad_button"]):
                ws.store.rename_broad_theme(ws.run_id, ws.question, parent, label, actor=ws.coder, seen=seen)
                done(t["done_rename_broad"].format(label=label.strip()))
    if right.button(t["merge_button"], key="merge") and others:
        kept = merge_themes(ws.store, ws.run_id, ws.question, [theme, *others], vectors_of, actor=ws.coder, seen=seen)
        done(t["done_merge"].format(theme=kept))
    if st.button(t["split_button"], key="split"):
        new = split_theme(ws.store, ws.run_id, ws.question, theme, vectors_of, actor=ws.coder, seen=seen)
        done(t["done_split"].format(theme=new))
    if ws.codebook is None:
        return
    codable = [c.id for c in ws.codebook.codable()]
    suggested = row.get("suggested_code") or ""
    with st.form(f"accept_form_{theme_id}"):
        # Keyed by theme, so each theme offers its own suggestion; none when it has none.
        code = st.selectbox(t["accept"], codable, index=codable.index(suggested) if suggested in codable else None,
                            format_func=ws.category_label, key=f"accept_code_{theme_id}", placeholder=t["choose"])
        if st.form_submit_button(t["accept_button"].format(n=len(members))):
            if code is None:
                st.error(t["choose_code"])
                return
            n = accept_theme(ws.store, ws.run_id, ws.question, theme, code, ws.coder, ws.codebook.version,
                             codebook=ws.codebook.name, seen=seen)
            done(t["done_accept"].format(n=n, code=ws.category_label(code)))
    undo_button(ws)


def _as_seen(ws: Workspace, theme_id: int, others: list[int],
             versions: dict[int, str]) -> tuple[int, list[int], dict[int, str]]:
    """The theme, merge partners and theme versions a click is about: as the previous draw showed
    them, for the click answers that draw, not the themes stored now. Streamlit drops a chosen
    theme that has gone since (merged away by someone else); it is taken from that draw, so the
    edit is refused rather than made on the theme the widget fell back to."""
    drawn = (ws.run_id, ws.question, theme_id, tuple(others), versions)
    previous = st.session_state.get("themes_seen")
    st.session_state["themes_seen"] = drawn
    if previous is None or previous[:2] != drawn[:2]:
        return theme_id, others, versions
    _, _, theme_before, others_before, seen = previous
    theme = theme_id if theme_before in versions else theme_before
    return theme, [*others, *(i for i in others_before if i not in versions)], seen
