"""The codebook categories of one question, as the report counts them, with the report's chart.

Only drawn for runs made with ``--codebook``; every number comes from ``fritekst.report``."""

from __future__ import annotations

import streamlit as st

from fritekst.report import Labels, Prevalence, category_table, format_cell, grouped_bars, split_table
from fritekst.run_table import RunResult


def show_categories(run: RunResult, question: str, t: dict[str, str]) -> None:
    if "code_id" not in run.assignments:
        return
    segments = run.assignments[run.assignments["question"] == question]
    labels = Labels.from_codebook(run.codebook)
    table = category_table(segments, labels, Prevalence())
    st.subheader(t["categories"])
    st.dataframe(table.frame.assign(**{c: table.frame[c].map(lambda v, k=k: format_cell(v, k)) for c, k in table.kinds.items()}),
                 hide_index=True, width="stretch")
    if "role" in segments and segments["role"].ne("").any():
        st.pyplot(grouped_bars(split_table(segments, "role", "Rolle", labels), t["categories_chart"]))
