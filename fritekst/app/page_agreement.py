"""Enighet: agreement among coders on the answers they share, per pair and per category, the
disagreements to adjudicate, and the model measured against the coders."""

from __future__ import annotations

import streamlit as st

from fritekst.agreement import agreement_summary, from_store
from fritekst.app.workspace import Workspace
from fritekst.report import format_number, format_percent
from fritekst.store import MODEL_CODER


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
    texts = codings.drop_duplicates("segment_id").set_index("segment_id")["text"]
    disagreements = summary["disagreements"]
    disagreements.insert(1, "text", disagreements["segment"].map(texts))
    st.dataframe(disagreements.rename(columns={"segment": "#", "text": t["answer"]}), hide_index=True, width="stretch")
    st.subheader(t["model_vs_coders"])
    st.dataframe(_rounded(summary["model_vs_coders"]).rename(columns=pair_headings), hide_index=True, width="stretch")


def _rounded(table):
    """Figures as Norwegian text: agreement in per cent, alpha and kappa with two decimals."""
    formats = {"agreement": format_percent, "kappa": lambda v: format_number(v, 2), "alpha": lambda v: format_number(v, 2)}
    return table.assign(**{c: table[c].map(f) for c, f in formats.items() if c in table})
