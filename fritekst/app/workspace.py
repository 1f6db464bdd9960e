"""What every page of the coder workspace shares: the :class:`Workspace` (store, run, question,
coder, texts) and the few actions every page offers. :mod:`fritekst.app.workspace_app` draws the
sidebar and the chosen page; the pages import this module, and it imports none of them.

Data is read through small cached loaders keyed on the store's revision, so a filter redraws from memory and a saved coding reloads once: what belongs
to the run (segments, themes, the answer queue) on ``runs_revision``, which codings do not move,
and the people's codes on ``revision``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from fritekst.codebook import Codebook
from fritekst.coding import codes_today, codings_today, has_history
from fritekst.report import format_number
from fritekst.store import Store
from fritekst.embed import DEFAULT_EMBEDDER, EmbeddingCache
from fritekst.workspace import answer_queue, learning_queue, with_codings
from fritekst.workspace.answer_map import segment_vectors

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
    role: str | None = None  # None: a project without roles (every change allowed)

    @property
    def key(self) -> str:
        return self.store.engine.url.render_as_string(hide_password=True)

    def segments(self, question: str | None = None) -> pd.DataFrame:
        return _segments(self.store, self.key, self.run_id, question, self.store.runs_revision())

    def themes(self) -> pd.DataFrame:
        """The question's themes, each suggested category read under today's codebook: a merged
        one offered as its successor, a split or retired one not offered."""
        themes = _themes(self.store, self.key, self.run_id, self.question, self.store.runs_revision())
        if not has_history(self.codebook) or "suggested_code" not in themes:
            return themes
        suggested = themes["suggested_code"].fillna("").rename("code_id").to_frame()
        return themes.assign(suggested_code=codes_today(suggested, self.codebook)[0]["code_id"].to_numpy())

    def codings(self, question: str | None = None) -> pd.DataFrame:
        """Current codings read under today's codebook (:func:`fritekst.coding.codings_today`),
        so overview, agreement and disagreements compare today's categories."""
        return _codings(self.store, self.key, question, self.store.revision(), self.codebook)

    def adjudications(self, question: str | None = None) -> pd.DataFrame:
        return _adjudications(self.store, self.key, question, self.store.revision())

    def queue(self, labels: dict[str, str], order: str = "survey") -> pd.DataFrame:
        """The Koding page's queue for the question (:func:`fritekst.workspace.coding_queue`): the
        run's part from the cache while the run is unchanged, the people's codes read on a save;
        ``order`` "learn_fastest": :func:`fritekst.workspace.learning_queue`."""
        answers = _answer_queue(self.store, self.key, self.run_id, self.question, self.store.runs_revision())
        if order == "learn_fastest":
            answers = _learning_queue(answers, self.vectors(tuple(answers["text"])))
        return with_codings(answers, self.people_codes(), self.coder or "–", labels, self.codebook)

    def vectors(self, texts: tuple[str, ...]):
        """The run's embeddings of ``texts`` (from the embedding cache the run filled)."""
        return _vectors(texts, self.manifest.get("embedder", DEFAULT_EMBEDDER), self.manifest.get("seed", 0))

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
def _answer_queue(_store: Store, key: str, run_id: int, question: str, revision: int) -> pd.DataFrame:
    return answer_queue(_store.segments(run_id, question=question))


@st.cache_data(show_spinner=False, max_entries=8)
def _vectors(texts: tuple[str, ...], embedder: str, seed: int):
    return segment_vectors(list(texts), embedder, EmbeddingCache(), seed)


@st.cache_data(show_spinner=False, max_entries=8)
def _learning_queue(answers: pd.DataFrame, vectors) -> pd.DataFrame:
    return learning_queue(answers, vectors)


@st.cache_data(show_spinner=False, max_entries=16)
def _people_codes(_store: Store, key: str, question: str, revision: int) -> pd.DataFrame:
    return _store.people_codes(question)


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs={Codebook: lambda c: (c.name, c.version)})
def _codings(_store: Store, key: str, question: str | None, revision: int, codebook: Codebook | None) -> pd.DataFrame:
    return codings_today(_store.current_codings(question=question), codebook)


@st.cache_data(show_spinner=False, max_entries=16)
def _adjudications(_store: Store, key: str, question: str | None, revision: int) -> pd.DataFrame:
    return _store.adjudications(question=question)


def done(message: str) -> None:
    """After a change: redraw the page from the store, then say what was done."""
    st.session_state["flash"] = message
    st.session_state.pop("refusal", None)  # a change was made: an earlier refusal is no longer news
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
