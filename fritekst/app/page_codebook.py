"""Kodebok: the categories with how many answers each holds; edit, add, merge and split them as
new codebook versions (the history is recorded by :func:`fritekst.codebook.new_version`);
YAML and REFI-QDA .qdc in and out."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from fritekst.app.page_overview import qdpx_download
from fritekst.app.workspace import Workspace, done
from fritekst.codebook import (
    MAX_CODEBOOK_BYTES,
    Category,
    Codebook,
    dump_codebook,
    dump_qdc,
    merge_category,
    read_codebook_bytes,
    split_category,
    with_category,
)
from fritekst.embed import EmbeddingCache
from fritekst.report import format_number
from fritekst.workspace import category_overview, codebook_with_drafts, draft_categories, suggest_codes


def show(ws: Workspace) -> None:
    t = ws.t
    st.header(t["pages"]["codebook"])
    if ws.codebook is None:
        st.info(t["no_codebook"])
        if ws.coder:
            _from_themes(ws, None)
            _upload(ws, None)
        else:
            st.info(t["need_coder"])
        return
    codebook = ws.codebook
    # An edit is made on the version the coder saw in the previous draw, not on whatever is
    # stored when the form comes back: that is what lets the store refuse a stale edit.
    seen = st.session_state.get("codebook_seen", codebook.version)
    st.session_state["codebook_seen"] = codebook.version
    ws = replace(ws, codebook=codebook.model_copy(update={"version": seen}))
    st.caption(f"{codebook.name} · v{codebook.version}")
    st.dataframe(_category_table(ws, codebook), hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.download_button(t["download_yaml"], dump_codebook(codebook), file_name="kodebok.yaml", key="yaml_out")
    right.download_button(t["download_qdc"], dump_qdc(codebook), file_name="kodebok.qdc", key="qdc_out")
    qdpx_download(ws, "codebook")
    if not ws.coder:
        st.info(t["need_coder"])
        return
    _suggestions(ws, codebook)
    _edit(ws, ws.codebook)
    _from_themes(ws, ws.codebook)
    _add(ws, ws.codebook)
    _merge(ws, ws.codebook)
    _split(ws, ws.codebook)
    _upload(ws, ws.codebook)
    if codebook.changes:
        st.subheader(t["history"])
        st.dataframe(pd.DataFrame([change.model_dump(exclude_defaults=True) for change in codebook.changes]).astype(str),
                     hide_index=True, width="stretch")


def _category_table(ws: Workspace, codebook: Codebook) -> pd.DataFrame:
    t = ws.t
    headings = {"id": t["id"], "label": t["label"], "parent": t["parent"], "n_coded": t["n_coded"],
                "n_model": t["n_model"], "description": t["description"]}
    return category_overview(codebook, ws.codings()).rename(columns=headings)


def _save(ws: Workspace, edited: Codebook) -> None:
    """Save the edited codebook as the next version; refused if someone saved one meanwhile."""
    saved = ws.store.save_codebook(edited, author=ws.coder, expected_version=ws.codebook.version)
    st.session_state["codebook_seen"] = saved.version
    done(ws.t["version_saved"].format(version=saved.version))


def _active(codebook: Codebook) -> list[str]:
    return [c.id for c in codebook.categories if c.retired is None and not c.special]


def _edit(ws: Workspace, codebook: Codebook) -> None:
    t = ws.t
    with st.expander(t["edit"]):
        chosen = st.selectbox(t["edit"], _active(codebook), format_func=ws.category_label, key="edit_id")
        category = codebook.category(chosen)
        groups = [""] + [c.id for c in codebook.categories if c.parent is None and c.id != chosen and not c.special
                         and c.retired is None]
        # Every field is keyed by the chosen category and the version shown: a widget's default is
        # read once per key, so fixed keys would keep showing (and saving) the first category's fields.
        key = f"{chosen}_v{codebook.version}"
        with st.form(f"edit_form_{key}"):
            label = st.text_input(t["label"], category.label, key=f"edit_label_{key}")
            description = st.text_area(t["description"], category.description, key=f"edit_description_{key}")
            keywords = st.text_input(t["keywords"], ", ".join(category.keywords), key=f"edit_keywords_{key}")
            examples = st.text_area(t["examples"], "\n".join(category.examples), key=f"edit_examples_{key}")
            parent = st.selectbox(t["parent"], groups, index=groups.index(category.parent or ""),
                                  format_func=lambda g: ws.category_label(g) if g else t["none"],
                                  key=f"edit_parent_{key}")
            colour = st.color_picker(t["colour"], category.color or "#4C78A8", key=f"edit_colour_{key}")
            if st.form_submit_button(t["save_version"]):
                updated = category.model_copy(update={
                    "label": label.strip(), "description": description.strip(),
                    "keywords": tuple(k.strip() for k in keywords.split(",") if k.strip()),
                    "examples": tuple(e.strip() for e in examples.splitlines() if e.strip()),
                    "parent": parent or None, "color": colour if (category.color or colour != "#4C78A8") else None,
                })
                _save(ws, with_category(codebook, updated))


def _suggestions(ws: Workspace, codebook: Codebook) -> None:
    """Offer the model's suggestions when the run has none under the current codebook version."""
    t = ws.t
    runs = ws.store.runs()
    run = runs[runs["run_id"] == ws.run_id].iloc[0]
    if run["codebook"] == codebook.name and run["codebook_version"] == codebook.version:
        return
    made = run["codebook_version"]
    st.info(t["suggest_none"] if pd.isna(made) else t["suggest_outdated"].format(made=int(made), version=codebook.version))
    if st.button(t["suggest"], key=f"suggest_{ws.run_id}_v{codebook.version}"):
        with st.spinner(t["suggesting"]):
            n = suggest_codes(ws.store, ws.run_id, cache=EmbeddingCache(), actor=ws.coder)
        done(t["suggested"].format(n=format_number(n), version=codebook.version))


def _from_themes(ws: Workspace, codebook: Codebook | None) -> None:
    """The question's themes as draft categories the coder edits, saved as a codebook version."""
    t = ws.t
    themes = ws.themes()
    if themes.empty:
        return
    drafts = draft_categories(themes, ws.segments(ws.question), taken=codebook.ids if codebook else ())
    # Keyed by run, question, version and draft: each form shows the drafts of what is on screen.
    key = f"{ws.run_id}_{ws.question}_v{codebook.version if codebook else 0}"
    with st.expander(t["from_themes"], expanded=codebook is None), st.form(f"drafts_{key}"):
        st.caption(t["from_themes_help"])
        for i, draft in drafts.iterrows():
            include, label, keywords = st.columns([1, 4, 6], vertical_alignment="bottom")
            drafts.loc[i, "include"] = include.checkbox(t["include"], True, key=f"draft_include_{key}_{draft['id']}")
            drafts.loc[i, "label"] = label.text_input(t["label"], draft["label"], key=f"draft_label_{key}_{draft['id']}")
            drafts.loc[i, "keywords"] = keywords.text_input(t["keywords"], draft["keywords"],
                                                            key=f"draft_keywords_{key}_{draft['id']}")
            if draft["examples"]:
                st.text(draft["examples"])
        if st.form_submit_button(t["save_drafts"]):
            name = codebook.name if codebook else t["new_codebook_name"].format(survey=ws.survey)
            saved = ws.store.save_codebook(codebook_with_drafts(codebook, drafts, name), author=ws.coder,
                                           expected_version=codebook.version if codebook else None)
            st.session_state["codebook_seen"] = saved.version
            done(t["version_saved"].format(version=saved.version))


def _add(ws: Workspace, codebook: Codebook) -> None:
    t = ws.t
    with st.expander(t["add"]), st.form("add_form"):
        new_id = st.text_input(t["new_id"], key="add_id")
        label = st.text_input(t["new_label"], key="add_label")
        description = st.text_area(t["description"], key="add_description")
        if st.form_submit_button(t["save_version"]) and new_id.strip():
            new = Category(id=new_id.strip(), label=label or new_id, description=description.strip())
            _save(ws, with_category(codebook, new))


def _merge(ws: Workspace, codebook: Codebook) -> None:
    t = ws.t
    active = _active(codebook)
    with st.expander(t["merge_category"]), st.form("merge_category_form"):
        source = st.selectbox(t["merge_from"], active, format_func=ws.category_label, key="merge_from")
        target = st.selectbox(t["merge_into"], active, format_func=ws.category_label, key="merge_into")
        if st.form_submit_button(t["save_version"]):
            _save(ws, merge_category(codebook, source, target))


def _split(ws: Workspace, codebook: Codebook) -> None:
    t = ws.t
    with st.expander(t["split_category"]), st.form("split_category_form"):
        source = st.selectbox(t["split_from"], _active(codebook), format_func=ws.category_label, key="split_from")
        lines = st.text_area(t["split_into"], key="split_into", placeholder="leiebolig: Leieboliger\nbolig_pris: Boligpriser")
        if st.form_submit_button(t["save_version"]):
            parts = [line.split(":", 1) for line in lines.splitlines() if ":" in line]
            _save(ws, split_category(codebook, source, parts))


_UPLOADER_STYLE = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button > * { display: none; }
[data-testid="stFileUploaderDropzone"] button::after { content: "BUTTON"; }
</style>"""


def _upload(ws: Workspace, codebook: Codebook | None) -> None:
    t = ws.t
    # Streamlit's uploader speaks English only ("Upload", "200MB per file"): its own words are
    # hidden and the coder's language shown instead.
    st.html(_UPLOADER_STYLE.replace("BUTTON", t["choose_file"]))
    upload = st.file_uploader(t["upload"], type=["yaml", "yml", "qdc"], key="upload",
                              help=t["upload_help"].format(mb=MAX_CODEBOOK_BYTES // 2**20))
    if upload is None or not ws.coder or not st.button(t["save_version"], key="upload_save"):
        return
    imported = read_codebook_bytes(upload.getvalue(), upload.name)
    if codebook is None:
        saved = ws.store.save_codebook(imported, author=ws.coder, expected_version=None)
    else:
        saved = ws.store.save_codebook(imported.model_copy(update={"name": codebook.name, "version": codebook.version,
                                                                   "changes": codebook.changes}),
                                       author=ws.coder, expected_version=codebook.version)
    done(t["version_saved"].format(version=saved.version))
