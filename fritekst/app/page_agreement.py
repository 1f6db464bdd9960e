"""Enighet: agreement among coders on the answers they share, per pair and per category, the
disagreements (each coder's code by its label) and settling one, and the model measured against
the coders.

Settling writes an adjudication to the store (:meth:`fritekst.store.Store.settle`); the coders'
own codes, and so the figures above, stay as they were. Widgets that belong to one disagreement
are keyed by its segment (house rule 13), and nothing is chosen for the coder: the disagreement
and the final code both start empty."""

from __future__ import annotations

import streamlit as st

from fritekst.agreement import agreement_summary, from_store
from fritekst.app.answer_view import show_answer
from fritekst.app.workspace import Workspace, done
from fritekst.report import format_number, format_percent
from fritekst.store import MODEL_CODER
from fritekst.workspace import disagreement_table


def show(ws: Workspace) -> None:
    t = ws.t
    st.header(t["pages"]["agreement"])
    codings = ws.codings(ws.question)
    if (codings["coder"] != MODEL_CODER).sum() == 0:
        st.info(t["no_codings"])
        return
    summary = agreement_summary(from_store(codings))
    st.metric(t["alpha"], format_number(summary["alpha"], 2))
    st.caption(t["agreement_caption"])
    pair_headings = {"coder_a": t["coder_a"], "coder_b": t["coder_b"], "n_segments": t["n_segments"],
                     "agreement": t["agreement"], "kappa": t["kappa"]}
    st.subheader(t["pairs"])
    st.dataframe(_rounded(summary["pairs"]).rename(columns=pair_headings), hide_index=True, width="stretch")
    st.subheader(t["per_category"])
    categories = summary["categories"].assign(code_id=lambda c: c["code_id"].map(ws.category_label))
    st.dataframe(_rounded(categories).rename(columns={"code_id": t["codes"], "n_codings": t["n_coded"], "alpha": t["alpha"]}),
                 hide_index=True, width="stretch")
    st.subheader(t["disagreements"])
    labels = {c.id: c.label for c in ws.codebook.categories} if ws.codebook else {}
    table = disagreement_table(codings, ws.adjudications(ws.question), labels)
    if table.empty:
        st.info(t["no_disagreements"])
    else:
        st.caption(t["settle_caption"])
        st.dataframe(table.rename(columns={
            "segment_id": "#", "text": t["answer"], "codes": t["coders_codes"], "settled_code": t["settled_code"],
            "settled_by": t["settled_by"], "settled_at": t["settled_at"], "note": t["note"]}),
            hide_index=True, width="stretch")
        _settle(ws, table.set_index("segment_id"))
    st.subheader(t["model_vs_coders"])
    st.dataframe(_rounded(summary["model_vs_coders"]).rename(columns=pair_headings), hide_index=True, width="stretch")


def _settle(ws: Workspace, table) -> None:
    """Choose a disagreement, its final code and an optional reason; "Avgjør" stores it."""
    t = ws.t
    if not ws.coder:
        st.info(t["need_adjudicator"])
        return
    if ws.codebook is None:
        st.info(t["no_codebook"])
        return
    segment = st.selectbox(t["settle_which"], list(table.index), index=None, key=f"settle_segment_{ws.question}",
                           placeholder=t["choose"],
                           format_func=lambda s: f"#{s} · {table.loc[s, 'codes']} · {table.loc[s, 'text'][:60]}")
    if segment is None:
        return
    row = table.loc[segment]
    show_answer(row["text"], row["codes"])
    if row["settled_by"]:
        st.text(t["settled_as"].format(code=row["settled_code"], by=row["settled_by"], at=row["settled_at"]))
    codable = [c.id for c in ws.codebook.codable()]
    with st.form(f"settle_{segment}"):
        code = st.selectbox(t["final_code"], codable, index=None, format_func=ws.category_label,
                            key=f"settle_code_{segment}", placeholder=t["choose"])
        note = st.text_area(t["settle_note"], key=f"settle_note_{segment}", height=68)
        settle = st.form_submit_button(t["settle"], type="primary", key=f"settle_button_{segment}")
    if settle and code is None:
        st.error(t["choose_code"])
    elif settle:
        ws.store.settle(int(segment), code, ws.coder, ws.codebook.version, codebook=ws.codebook.name, note=note)
        done(t["settled"].format(code=ws.category_label(code)))


def _rounded(table):
    """Figures as Norwegian text: agreement in per cent, alpha and kappa with two decimals."""
    formats = {"agreement": format_percent, "kappa": lambda v: format_number(v, 2), "alpha": lambda v: format_number(v, 2)}
    return table.assign(**{c: table[c].map(f) for c, f in formats.items() if c in table})
