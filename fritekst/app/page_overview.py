"""Oversikt: every question with who answered, how much is coded, and agreement so far."""

from __future__ import annotations

import streamlit as st

from fritekst.app.workspace import Workspace
from fritekst.errors import InputError
from fritekst.refi import project_bytes
from fritekst.report import format_number, format_percent
from fritekst.run_table import assignments_csv
from fritekst.workspace import question_overview


def show(ws: Workspace) -> None:
    t = ws.t
    st.header(t["pages"]["overview"])
    overview = question_overview(ws.segments(), ws.codings())
    said = int(overview["answered"].sum())
    columns = st.columns(3)
    columns[0].metric(t["answered"], format_number(said))
    columns[1].metric(t["segments"], format_number(int(overview["segments"].sum())))
    coded = (overview["coded_share"] * overview["segments"]).sum() / max(int(overview["segments"].sum()), 1)
    columns[2].metric(t["coded_share"], format_percent(coded))
    table = overview.assign(
        per_role=overview["per_role"].map(lambda roles: ", ".join(f"{r}: {n}" for r, n in roles.items())),
        coded_share=overview["coded_share"].map(format_percent),
        alpha=overview["alpha"].map(lambda a: "–" if a != a else format_number(a, 2)),
    )
    headings = {"question": t["question"], "answered": t["answered"], "non_answers": t["non_answers"],
                "blank": t["blank"], "per_role": t["per_role"], "coded_share": t["coded_share"],
                "coders": t["coders"], "alpha": t["alpha"]}
    st.dataframe(table[list(headings)].rename(columns=headings), hide_index=True, width="stretch")
    st.caption(t["overview_caption"])
    if ws.role == "leser":  # the export holds every answer unmasked
        return
    st.subheader(t["export"])
    st.caption(t["export_help"])
    if st.button(t["export_prepare"], key="export_prepare"):
        st.download_button(t["export_download"], assignments_csv(ws.store.run_result(ws.run_id)),
                           file_name="assignments.csv", mime="text/csv", key="export_download", on_click="ignore")
    qdpx_download(ws, "overview")


def qdpx_download(ws: Workspace, where: str) -> None:
    """A button that builds the whole project as a .qdpx, then offers it for download."""
    if st.button(ws.t["qdpx_prepare"], key=f"qdpx_prepare_{where}"):
        try:
            data = project_bytes(ws.store, run_id=ws.run_id)
        except InputError as error:
            st.error(str(error))
            return
        st.download_button(ws.t["qdpx_download"], data, file_name="prosjekt.qdpx", mime="application/zip",
                           key=f"qdpx_download_{where}", on_click="ignore")
