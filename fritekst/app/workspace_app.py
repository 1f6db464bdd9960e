"""The coder workspace: one project store, five pages (Oversikt, Temaer, Koding, Kodebok, Enighet).

``main(store)`` only draws; it is handed the store the entry point opened (house rule: the UI
is a function of its data source). It draws the sidebar (language, coder, survey, question,
page) and then the chosen page, each a module ``page_*`` that takes a
:class:`~fritekst.app.workspace.Workspace`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fritekst.app import page_agreement, page_codebook, page_coding, page_overview, page_themes
from fritekst.app.identity import Identity
from fritekst.app.workspace import Workspace, remember
from fritekst.app.workspace_texts import WORKSPACE_TEXTS
from fritekst.codebook import Codebook
from fritekst.errors import InputError
from fritekst.store import NotAllowed, Store

PAGES = ("overview", "themes", "coding", "codebook", "agreement")
READER_PAGES = ("overview",)  # a leser sees counts, no answer text


@st.cache_data(show_spinner=False, max_entries=16)
def _questions(_store: Store, key: str, run_id: int, revision: int) -> dict[str, str]:
    """The run's questions in order, each with its text ("" when it has none)."""
    segments = _store.segments(run_id)
    return segments.drop_duplicates("question").set_index("question")["question_text"].fillna("").to_dict()


def main(store: Store | None, problem: str = "", identity: Identity | None = None) -> None:
    """Draw the workspace for ``store`` (None: say what was wrong opening it) to ``identity``
    (default: the machine's user, :meth:`Store.whoami`). Nobody signed in sees nothing of the
    project; on a team server, nor does a person without a role; a leser sees the counts."""
    st.set_page_config(page_title="fritekst", layout="wide")  # the coder needs every column
    language = st.sidebar.radio("Språk / Language", ["nb", "en"], format_func={"nb": "Norsk", "en": "English"}.get,
                                horizontal=True, key="language")
    t = WORKSPACE_TEXTS[language]
    st.title(t["title"])
    if store is None:
        st.error(problem)
        return
    identity = identity or Identity(store.whoami(), signed_in=False)
    role = _role(store, identity, t)
    if role is False:
        return
    coder = identity.person
    st.sidebar.caption(t["signed_in_as"].format(person=coder, role=role or "–"))
    if identity.signed_in:
        st.sidebar.button(t["logout"], key="logout", on_click=st.logout)
    runs = store.runs()
    if runs.empty:
        st.info(t["no_run"].format(db=store.engine.url.database or store.engine.url))
        return
    surveys = list(dict.fromkeys(runs["survey"]))
    survey = st.sidebar.selectbox(t["survey"], surveys, key="survey") if len(surveys) > 1 else surveys[0]
    run = _chosen_run(runs[runs["survey"] == survey], t)
    run_id = int(run["run_id"])
    codebook = _latest_codebook(store, run["codebook"])
    texts = _questions(store, store.engine.url.render_as_string(hide_password=True), run_id, store.runs_revision())
    questions = list(texts)
    remember("question", questions)
    pages = READER_PAGES if role == "leser" else PAGES
    remember("page", pages)
    question = st.sidebar.selectbox(t["question"], questions, key="question",
                                    format_func=lambda q: f"{q} – {texts[q][:60]}" if texts[q] else q)
    page = st.sidebar.radio(t["page"], pages, format_func=t["pages"].get, key="page")
    manifest = store.run_manifest(run_id)
    st.caption(t["run_info"].format(run=run_id, embedder=manifest.get("embedder", "?"),
                                    codebook=f"{codebook.name} v{codebook.version}" if codebook else "–"))
    if "flash" in st.session_state:
        st.success(st.session_state.pop("flash"))
    refusal = st.session_state.get("refusal")
    if refusal and refusal[:2] == (page, question):  # stays until a change is made or the page left
        st.error(refusal[2])
    if "coder" in st.query_params:  # an address from before: who codes is not the address's to say
        del st.query_params["coder"]
    st.query_params.update(question=question, page=page)
    workspace = Workspace(store, run_id, survey, question, coder, t, codebook, manifest, role)
    draw = {"overview": page_overview.show, "themes": page_themes.show, "coding": page_coding.show,
            "codebook": page_codebook.show, "agreement": page_agreement.show}[page]
    try:
        draw(workspace)
    except NotAllowed as refused:  # the role does not allow it: nothing saved, the refusal is in the log
        message = t["not_allowed"].format(person=refused.person, role=refused.role or "–",
                                          allowed=" / ".join(refused.allowed))
        if st.session_state.get("refusal") != (page, question, message):
            st.error(message)
        st.session_state["refusal"] = (page, question, message)
    except InputError as error:  # a refused change (stale codebook, bad id …): say so, keep the page
        st.error(str(error))


def _role(store: Store, identity: Identity, t: dict) -> str | None | bool:
    """The person's role (None: a project without roles, or no role on one's own machine), or
    False when the page must show nothing: nobody signed in, or a signed-in person without a role."""
    if identity.person is None:
        st.info(t["login_needed"])
        if st.button(t["login"], key="login"):
            st.login()
        return False
    role = store.role(identity.person)
    if identity.signed_in and role is None:
        key = "no_role" if store.has_roles() else "no_roles_yet"
        st.warning(t[key].format(person=identity.person))
        st.button(t["logout"], key="logout", on_click=st.logout)
        return False
    return role


def _chosen_run(runs: pd.DataFrame, t: dict) -> pd.Series:
    """The survey's run to work in: the latest, or another the coder picks when each wave's file
    was run on its own (answers of an earlier wave may need a coder under today's codebook)."""
    if len(runs) == 1:
        return runs.iloc[-1]
    labels = {int(r.run_id): t["run_label"].format(file=r.input_file, date=str(r.created_at)[:10], run=int(r.run_id))
              for r in runs.itertuples()}
    run_id = st.sidebar.selectbox(t["run"], list(labels)[::-1], format_func=labels.get, key="run")
    return runs[runs["run_id"] == run_id].iloc[0]


def _latest_codebook(store: Store, name) -> Codebook | None:
    """The latest version of the run's codebook; for a run made without one, the store's own
    codebook once one is saved (uploaded, or made from the themes in the app)."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        name = None
    try:
        return store.codebook(name)
    except InputError:
        return None
