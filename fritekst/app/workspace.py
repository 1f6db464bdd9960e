"""The coder workspace: one project store, five pages (Oversikt, Temaer, Koding, Kodebok, Enighet).

``main(store)`` only draws; it is handed the store the entry point opened (house rule: the UI
is a function of its data source). Data is read through small cached loaders keyed on the
store's revision, so a filter redraws from memory and a saved coding reloads once: what belongs
to the run (segments, themes, the answer queue) on ``runs_revision``, which codings do not move,
and the people's codes on ``revision``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from fritekst.app.workspace_texts import WORKSPACE_TEXTS
from fritekst.codebook import Codebook
from fritekst.coding import codings_today
from fritekst.errors import InputError
from fritekst.report import format_number
from fritekst.store import Store
from fritekst.workspace import answer_queue, with_codings

PAGES = ("overview", "themes", "coding", "codebook", "agreement")


@dataclass(frozen=True)
class Workspace:
    """What every page needs: the store, the run and question chosen, who codes, the texts."""

    store: Store
    run_id: int
    survey: str
    question: str
    coder: str
    t: dict
    codebook: Codebook | None
    manifest: dict

    @property
    def key(self) -> str:
        return self.store.engine.url.render_as_string(hide_password=True)

    def segments(self, question: str | None = None) -> pd.DataFrame:
        return _segments(self.store, self.key, self.run_id, question, self.store.runs_revision())

    def themes(self) -> pd.DataFrame:
        return _themes(self.store, self.key, self.run_id, self.question, self.store.runs_revision())

    def codings(self, question: str | None = None) -> pd.DataFrame:
        """Current codings read under today's codebook (:func:`fritekst.coding.codings_today`),
        so overview, agreement and disagreements compare today's categories."""
        return _codings(self.store, self.key, question, self.store.revision(), self.codebook)

    def adjudications(self, question: str | None = None) -> pd.DataFrame:
        return _adjudications(self.store, self.key, question, self.store.revision())

    def queue(self, labels: dict[str, str]) -> pd.DataFrame:
        """The Koding page's queue for the question (:func:`fritekst.workspace.coding_queue`): the
        run's part from the cache while the run is unchanged, the people's codes read on a save."""
        answers = _answer_queue(self.store, self.key, self.run_id, self.question, self.store.runs_revision())
        return with_codings(answers, self.people_codes(), self.coder or "–", labels, self.codebook)

    def people_codes(self) -> pd.DataFrame:
        """People's current codings of the question (store.people_codes), read once per change."""
        return _people_codes(self.store, self.key, self.question, self.store.revision())

    def category_label(self, code_id: str) -> str:
        if self.codebook is None or not code_id:
            return code_id
        try:
            return self.codebook.category(code_id).label
        except KeyError:
            return code_id


@st.cache_data(show_spinner=False, max_entries=16)
def _segments(_store: Store, key: str, run_id: int, question: str | None, revision: int) -> pd.DataFrame:
    return _store.segments(run_id, question=question)


@st.cache_data(show_spinner=False, max_entries=16)
def _themes(_store: Store, key: str, run_id: int, question: str, revision: int) -> pd.DataFrame:
    return _store.themes(run_id, question=question)


@st.cache_data(show_spinner=False, max_entries=16)
def _questions(_store: Store, key: str, run_id: int, revision: int) -> dict[str, str]:
    """The run's questions in order, each with its text ("" when it has none)."""
    segments = _store.segments(run_id)
    return segments.drop_duplicates("question").set_index("question")["question_text"].fillna("").to_dict()


@st.cache_data(show_spinner=False, max_entries=16)
def _answer_queue(_store: Store, key: str, run_id: int, question: str, revision: int) -> pd.DataFrame:
    return answer_queue(_store.segments(run_id, question=question))


@st.cache_data(show_spinner=False, max_entries=16)
def _people_codes(_store: Store, key: str, question: str, revision: int) -> pd.DataFrame:
    return _store.people_codes(question)


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs={Codebook: lambda c: (c.name, c.version)})
def _codings(_store: Store, key: str, question: str | None, revision: int, codebook: Codebook | None) -> pd.DataFrame:
    return codings_today(_store.current_codings(question=question), codebook)


@st.cache_data(show_spinner=False, max_entries=16)
def _adjudications(_store: Store, key: str, question: str | None, revision: int) -> pd.DataFrame:
    return _store.adjudications(question=question)


def main(store: Store | None, problem: str = "") -> None:
    """Draw the workspace for ``store`` (None: say what was wrong opening it)."""
    st.set_page_config(page_title="fritekst", layout="wide")  # the coder needs every column
    language = st.sidebar.radio("Språk / Language", ["nb", "en"], format_func={"nb": "Norsk", "en": "English"}.get,
                                horizontal=True, key="language")
    t = WORKSPACE_TEXTS[language]
    st.title(t["title"])
    if store is None:
        st.error(problem)
        return
    remember("coder")
    coder = st.sidebar.text_input(t["coder"], key="coder", help=t["coder_help"]).strip()
    runs = store.runs()
    if runs.empty:
        st.info(t["no_run"].format(db=store.engine.url.database or store.engine.url))
        return
    surveys = list(dict.fromkeys(runs["survey"]))
    survey = st.sidebar.selectbox(t["survey"], surveys, key="survey") if len(surveys) > 1 else surveys[0]
    run = runs[runs["survey"] == survey].iloc[-1]
    run_id = int(run["run_id"])
    codebook = _latest_codebook(store, run["codebook"])
    texts = _questions(store, store.engine.url.render_as_string(hide_password=True), run_id, store.runs_revision())
    questions = list(texts)
    remember("question", questions)
    remember("page", PAGES)
    question = st.sidebar.selectbox(t["question"], questions, key="question",
                                    format_func=lambda q: f"{q} – {texts[q][:60]}" if texts[q] else q)
    page = st.sidebar.radio(t["page"], PAGES, format_func=t["pages"].get, key="page")
    manifest = store.run_manifest(run_id)
    st.caption(t["run_info"].format(run=run_id, embedder=manifest.get("embedder", "?"),
                                    codebook=f"{codebook.name} v{codebook.version}" if codebook else "–"))
    if "flash" in st.session_state:
        st.success(st.session_state.pop("flash"))
    st.query_params.update(coder=coder, question=question, page=page)
    workspace = Workspace(store, run_id, survey, question, coder, t, codebook, manifest)
    from fritekst.app import page_agreement, page_codebook, page_coding, page_overview, page_themes

    draw = {"overview": page_overview.show, "themes": page_themes.show, "coding": page_coding.show,
            "codebook": page_codebook.show, "agreement": page_agreement.show}[page]
    try:
        draw(workspace)
    except InputError as error:  # a refused change (stale codebook, bad id …): say so, keep the page
        st.error(str(error))


def done(message: str) -> None:
    """After a change: redraw the page from the store, then say what was done."""
    st.session_state["flash"] = message
    st.rerun()


def remember(key: str, options=None, cast=str) -> None:
    """Start widget ``key`` from the page address (``?question=q17&page=coding``) on a fresh
    session, so a reload or a shared link opens where the coder was; values not offered are ignored."""
    if key in st.session_state or key not in st.query_params:
        return
    try:
        value = cast(st.query_params[key])
    except ValueError:
        return
    if options is None or value in options:
        st.session_state[key] = value


def undo_button(ws: Workspace, where=st) -> None:
    """"Undo my last coding": withdraws the coder's last save (one answer, or a whole theme) as a
    new audited event in the store, never by deleting."""
    if ws.coder and where.button(ws.t["undo"], key="undo"):
        segments = ws.store.withdraw_last(ws.coder)
        done(ws.t["undone"].format(n=format_number(len(segments))))


def _latest_codebook(store: Store, name) -> Codebook | None:
    """The latest version of the run's codebook; for a run made without one, the store's own
    codebook once one is saved (uploaded, or made from the themes in the app)."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        name = None
    try:
        return store.codebook(name)
    except InputError:
        return None
