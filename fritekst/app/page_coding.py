"""Koding: answer by answer with the respondent's attributes, the model's suggestion and, once
coded, the other coders' codes; filters, search, several codes, quote candidates and memos; an
answer split into its sentences, each coded on its own.

A coding is written to the store the moment it is saved (house rule 5), never only kept in the
session; forms submit on Enter, and "Lagre og neste" moves on, so a coder can keep to the keyboard.
The save buttons save in their callback, before the page is drawn, so a save costs one draw of
the page rather than a draw and a redraw; the list of all answers is drawn only while it is open
(10 000 rows sent to the browser on every save cost more than the save).
"""

from __future__ import annotations

from contextlib import nullcontext

import pandas as pd
import streamlit as st

from fritekst.app.answer_view import show_answer
from fritekst.app.shortcuts import bind_shortcuts
from fritekst.app.workspace import Workspace, remember, undo_button
from fritekst.errors import InputError
from fritekst.language import LANGUAGES
from fritekst.report import format_number
from fritekst.results import mapped_attributes
from fritekst.spreadsheet import neutral_table
from fritekst.workspace import QUEUE_ORDERS, CodingFilters, answer_part, filter_queue, memo_table, quick_codes, split_preview


def show(ws: Workspace) -> None:
    t = ws.t
    st.header(t["pages"]["coding"])
    refused = st.session_state.pop("coding_refused", None)
    labels = {c.id: c.label for c in ws.codebook.categories} if ws.codebook else {}
    remember("order", QUEUE_ORDERS)
    order = st.radio(t["order"], QUEUE_ORDERS, format_func=lambda o: t["orders"][o], key="order", horizontal=True,
                     help=t["order_help"], on_change=_restart)
    st.query_params["order"] = order
    with st.spinner(t["ordering"]) if order == "learn_fastest" else nullcontext():
        queue = ws.queue(labels, order)
    asked = queue["question_text"].dropna()
    if len(asked) and asked.iloc[0]:
        st.text(asked.iloc[0])
    filters = _filters(ws, queue)
    shown = filter_queue(queue, filters).reset_index(drop=True)
    mine = int((shown["my_code"] != "").sum())
    st.caption(t["n_shown"].format(n=format_number(len(shown)), total=format_number(len(queue)))
               + " · " + t["n_mine"].format(n=format_number(mine)))
    if shown.empty:
        st.info(t["nothing"])
        return
    # The position is the number input's own state; buttons and "save and next" move it in their
    # callbacks, since a widget's state cannot change after it is drawn. A coder opening the page
    # starts at the first answer they have not coded.
    remember("position", range(1, len(shown) + 1), int)
    if "position" not in st.session_state:
        uncoded = shown.index[shown["my_code"] == ""]
        st.session_state["position"] = int(uncoded[0]) + 1 if len(uncoded) else 1
    st.session_state["position"] = min(max(st.session_state["position"], 1), len(shown))
    position = st.number_input(t["position"], min_value=1, max_value=len(shown), key="position")
    st.query_params["position"] = str(position)
    previous, following, undo = st.columns(3)
    previous.button(t["previous"], key="previous", disabled=position <= 1, on_click=_move, args=(-1,))
    following.button(t["next"], key="next", disabled=position >= len(shown), on_click=_move, args=(1,))
    undo_button(ws, undo)
    _answer(ws, shown.iloc[position - 1], refused)
    listing = st.expander(t["list"], key="listing", on_change="rerun")
    if listing.open:
        with listing:
            by_label = lambda codes: codes.fillna("").map(lambda c: labels.get(c, c))  # noqa: E731
            table = shown.assign(my_code=by_label(shown["my_code"]), code_id=by_label(shown["code_id"]))
            table = table[["id", "role", "wave", "text", "my_code", "code_id"]].rename(
                columns={"role": t["roles"], "wave": t["waves"], "text": t["answer"], "my_code": t["my_code"],
                         "code_id": t["model_code"]})
            st.dataframe(table, hide_index=True, width="stretch")
    _memos(ws)


def _memos(ws: Workspace) -> None:
    """Every memo on this question's answers, to read and to download."""
    t = ws.t
    memos = memo_table(ws.people_codes(), ws.segments(ws.question))
    with st.expander(t["memos"].format(n=format_number(len(memos)))):
        if memos.empty:
            return
        shown = memos.assign(code_id=memos["code_id"].map(ws.category_label))
        headings = {"id": "ID", "coder": t["coder_column"], "code_id": t["code"], "memo": t["memo"],
                    "text": t["answer"]}
        st.dataframe(shown[list(headings)].rename(columns=headings), hide_index=True, width="stretch")
        st.download_button(t["memos_download"], neutral_table(memos).to_csv(index=False, lineterminator="\n"),
                           file_name=f"notater_{ws.question}.csv", mime="text/csv", key="memos_download",
                           on_click="ignore")


def _restart() -> None:
    """A new order: start again at the first answer the coder has not coded in it."""
    st.session_state.pop("position", None)


def _move(step: int) -> None:
    st.session_state["position"] = st.session_state.get("position", 1) + step


def _filters(ws: Workspace, queue: pd.DataFrame) -> CodingFilters:
    t = ws.t
    with st.expander(t["filters"], expanded=False):
        left, right = st.columns(2)
        roles = left.multiselect(t["roles"], sorted(queue["role"].dropna().unique()), key="f_roles", placeholder=t["choose"])
        waves = right.multiselect(t["waves"], sorted(queue["wave"].dropna().astype(str).unique()), key="f_waves", placeholder=t["choose"])
        themes = left.multiselect(t["themes"], sorted(queue["theme_id"].unique()), key="f_themes", placeholder=t["choose"])
        codes = right.multiselect(t["codes"], [c.id for c in ws.codebook.codable()] if ws.codebook else [],
                                  format_func=ws.category_label, key="f_codes", placeholder=t["choose"])
        languages = left.multiselect(t["languages"], [lang for lang in LANGUAGES if lang in set(queue.get("language", ()))],
                                     format_func=lambda lang: t[f"language_{lang}"], key="f_languages",
                                     placeholder=t["choose"])
        attributes = mapped_attributes(ws.manifest, queue.columns)
        attribute = left.selectbox(t["attribute"], [""] + attributes, key="f_attribute",
                                   format_func=lambda a: a or t["none"])
        values = right.multiselect(t["values"], sorted(queue[attribute].dropna().astype(str).unique()) if attribute else [],
                                   key="f_values", placeholder=t["choose"])
        # A select slider, so the values show with the Norwegian decimal comma (st.slider cannot).
        steps = [round(i / 20, 2) for i in range(21)]
        low, high = st.select_slider(t["confidence"], steps, value=(0.0, 1.0), key="f_confidence",
                                     format_func=lambda v: format_number(v, 2))
        uncoded = st.checkbox(t["uncoded_only"], key="f_uncoded")
        waiting = int(queue["needs_coder"].sum())
        needs_coder = st.checkbox(t["needs_coder_only"].format(n=format_number(waiting)), key="f_needs_coder",
                                  disabled=not waiting, help=t["needs_coder_help"])
    search = st.text_input(t["search"], key="f_search")
    return CodingFilters(roles=tuple(roles), waves=tuple(waves), themes=tuple(themes), codes=tuple(codes),
                         languages=tuple(languages), attributes={attribute: tuple(values)} if attribute else {}, min_confidence=low,
                         max_confidence=high, uncoded_only=uncoded, needs_coder_only=needs_coder, search=search)


def _answer(ws: Workspace, answer: pd.Series, refused: str | None = None) -> None:
    """One answer and the form that codes it; ``refused``: why the last save was not made."""
    t = ws.t
    attributes = [f"{c}: {answer[c]}" for c in mapped_attributes(ws.manifest, answer.index)
                  if pd.notna(answer[c]) and answer[c] != ""]
    who = [str(answer[c]) for c in ("id", "role", "wave") if pd.notna(answer.get(c)) and answer.get(c) != ""]
    show_answer(answer["text"], " · ".join(who + attributes))
    _part(ws, int(answer["segment_id"]), answer["text"])
    suggestion = answer.get("code_id") if isinstance(answer.get("code_id"), str) else ""
    if suggestion:
        st.write(t["suggestion"].format(label=ws.category_label(suggestion),
                                        confidence=format_number(float(answer["confidence"]), 2)))
    else:
        st.write(t["no_suggestion"])
    if answer["my_code"]:
        st.write(t["mine"].format(label=ws.category_label(answer["my_code"])))
    if answer["others"]:
        st.write(t["others"].format(others=answer["others"]))
    if not ws.coder:
        st.info(t["need_coder"])
        return
    if ws.codebook is None:
        st.info(t["no_codebook"])
        return
    codable = [c.id for c in ws.codebook.codable()]
    current = answer["my_code"] or suggestion
    segment_id = int(answer["segment_id"])
    quick = quick_codes(answer.get("codes"), codable)
    with st.form(f"code_{segment_id}", clear_on_submit=False):
        # Nothing is pre-filled without a confident suggestion: those are the answers that need judgement.
        st.selectbox(t["code"], codable, index=codable.index(current) if current in codable else None,
                     format_func=ws.category_label, key=f"code_{segment_id}", placeholder=t["choose"])
        st.caption(t["quick_codes"])
        columns = [column for _ in range(0, len(quick), 3) for column in st.columns(3)]  # labels in full
        for number, (column, quick_code) in enumerate(zip(columns, quick), 1):
            column.form_submit_button(f"{number} · {ws.category_label(quick_code)}",
                                      key=f"quick_{segment_id}_{number}", on_click=_save,
                                      args=(ws, segment_id, quick_code, True), width="stretch")
        st.multiselect(t["more_codes"], codable, format_func=ws.category_label, key=f"more_{segment_id}",
                       placeholder=t["choose"])
        st.checkbox(t["quote_candidate"], value=bool(answer["my_quote"]), key=f"quote_{segment_id}")
        st.text_area(t["memo"], value=answer["my_memo"], key=f"memo_{segment_id}", height=68)
        save, save_next = st.columns(2)
        save.form_submit_button(t["save"], key=f"save_{segment_id}", on_click=_save, args=(ws, segment_id, None, False))
        save_next.form_submit_button(t["save_next"], type="primary", key=f"save_next_{segment_id}",
                                     on_click=_save, args=(ws, segment_id, None, True))
    bind_shortcuts({"Enter": f"save_next_{segment_id}", "KeyQ": f"quote_{segment_id}", "ArrowRight": "next",
                    "ArrowLeft": "previous", "KeyZ": "undo",
                    **{f"Digit{n}": f"quick_{segment_id}_{n}" for n in range(1, len(quick) + 1)}})
    st.caption(t["shortcuts"])
    if refused:
        st.error(refused)


def _part(ws: Workspace, segment_id: int, text: str) -> None:
    """A sentence's place in its answer, with the whole answer to read it in; for a whole answer
    of several sentences, "Del svaret i setninger" with the sentences it makes."""
    t = ws.t
    part = answer_part(ws.segments(ws.question), segment_id)
    if part.total > 1:
        st.caption(t["part_of"].format(number=part.number, total=part.total))
        with st.expander(t["whole_answer"]):
            st.text(part.whole)
        return
    preview = split_preview(text, ws.people_codes(), segment_id)
    if not ws.coder or not preview.sentences:
        return
    with st.expander(t["split_answer"]):
        st.caption(t["split_help"])
        st.text("\n".join(f"{number}. {sentence}" for number, sentence in enumerate(preview.sentences, 1)))
        if preview.coded_by:
            st.warning(t["split_coded"].format(coders=", ".join(preview.coded_by)))
        st.button(t["split_button"].format(n=len(preview.sentences)), key=f"split_{segment_id}", on_click=_split,
                  args=(ws, segment_id))


def _split(ws: Workspace, segment_id: int) -> None:
    """The split button's callback: the answer's sentences take its place in the queue, the first
    of them where the answer was, so the page shows it next."""
    try:
        parts = ws.store.split_answer(ws.run_id, segment_id, ws.coder)
    except InputError as error:
        st.session_state["coding_refused"] = str(error)
        return
    st.session_state["flash"] = ws.t["split_done"].format(n=len(parts))


def _save(ws: Workspace, segment_id: int, chosen: str | None, move_on: bool) -> None:
    """A save button's callback: write the form's coding of ``segment_id`` (``chosen``: a quick
    code instead of the one in the box) and, with ``move_on``, go to the next answer. It runs
    before the page is drawn again, with the workspace the coder saw."""
    state = st.session_state
    code = chosen if chosen is not None else state.get(f"code_{segment_id}")
    if code is None:
        state["coding_refused"] = ws.t["choose_code"]
        return
    try:
        ws.store.add_coding(segment_id, code, ws.coder, ws.codebook.version, codebook=ws.codebook.name,
                            memo=(state.get(f"memo_{segment_id}") or "").strip() or None,
                            quote_candidate=bool(state.get(f"quote_{segment_id}")),
                            extra_codes=state.get(f"more_{segment_id}") or ())
    except InputError as error:  # a refused change (stale codebook, bad id …): say so, keep the page
        state["coding_refused"] = str(error)
        return
    if move_on:
        _move(1)
    state["flash"] = ws.t["saved"].format(code=ws.category_label(code))
