"""Coders' changes to themes: merge, split in two, accept a theme's category for all its answers.

Each edit recounts the question's themes (sizes, keywords, labels, representatives, suggested
category) here and hands the result to the store, which writes it in one audited transaction.
An edit names the theme versions the coder saw (``seen``, from :func:`fritekst.store.theme_versions`)
and is refused with :class:`fritekst.store.ThemeChanged` when one of its themes changed since; the
store refuses the write too when another edit of the question lands while this one is recounted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from fritekst.errors import InputError
from fritekst.run_table import PARENT_COLUMNS, theme_code
from fritekst.store import Store, ThemeChanged, theme_versions
from fritekst.themes import SPLIT_CLUSTERER, describe_themes, get_clusterer, keyword_tokens, representative_rows

N_REPRESENTATIVES = 3


def recount_themes(segments: pd.DataFrame, vectors: np.ndarray, keep_labels: dict[int, str],
                   columns: Sequence[str], parents: Mapping[int, tuple[int, str]] | None = None) -> pd.DataFrame:
    """The question's themes after segments moved, in the run's theme ``columns``: ``segments``
    (one question, answered ones, with the new ``theme_id``) and ``vectors`` row for row. A theme
    in ``keep_labels`` keeps that label (a coder's name for it); the others are named from their
    new keywords. ``parents`` gives each theme its broad theme (id, label)."""
    parents = parents or {}
    texts = segments["text"].fillna("").tolist()
    labels = segments["theme_id"].to_numpy()
    described = describe_themes(keyword_tokens(texts), texts, labels)
    ids = segments["id"].astype(str).tolist()
    rows = []
    for theme_id, (label, keywords, marked) in described.items():
        members = np.flatnonzero(labels == theme_id)
        reps = representative_rows(vectors, members, texts, N_REPRESENTATIVES, ids)
        rows.append({
            "question": segments["question"].iloc[0],
            "theme_id": theme_id,
            "label": keep_labels.get(theme_id, label),
            "keywords": ", ".join(keywords),
            "n_answers": len({ids[i] for i in members}),
            "representative_ids": ";".join(ids[i] for i in reps),
            "marked_keywords": ", ".join(marked),
            "n_segments": len(members),
            **dict(zip(PARENT_COLUMNS, parents.get(theme_id, ("", "")))),
            **(theme_code(segments["code_id"].iloc[members].fillna("")) if "code_id" in segments else {}),
        })
    return pd.DataFrame(rows).reindex(columns=list(columns))


def broad_themes(themes: pd.DataFrame) -> dict[int, str]:
    """Theme id -> its broad theme's label, for the themes that are sub-themes of a broad theme
    split in two or more; empty for a run in one level (decision 021)."""
    if "parent_theme" not in themes or themes.empty:
        return {}
    parents = themes["parent_theme"].astype(str)
    split = parents[parents.duplicated(keep=False) & (parents != "")]
    return {int(themes.at[i, "theme_id"]): str(themes.at[i, "parent_label"]) for i in split.index}


def _question(store: Store, run_id: int, question: str, seen: Mapping[int, str] | None, theme_ids: Sequence[int]):
    """The question's answered segments, themes and theme versions as stored now; refused when
    ``theme_ids`` are no longer as the coder saw them."""
    segments = store.segments(run_id, question=question)
    themes = store.themes(run_id, question=question)
    versions = theme_versions(themes, segments)
    if seen is not None:
        ThemeChanged.check(question, seen, versions, theme_ids)
    return segments[~segments["non_answer"]].reset_index(drop=True), themes, versions


def merge_themes(store: Store, run_id: int, question: str, theme_ids: Sequence[int], vectors_of,
                 actor: str | None = None, seen: Mapping[int, str] | None = None) -> int:
    """Merge ``theme_ids`` into the largest of them, which keeps its label; returns its id.
    ``vectors_of(texts)`` gives the run's embeddings of texts (see :func:`segment_vectors`);
    ``seen``: the question's theme versions when the coder chose the themes (None: no check)."""
    theme_ids = sorted({int(t) for t in theme_ids})
    if len(theme_ids) < 2:
        raise InputError("choose at least two themes to merge", column="theme_id")
    answered, themes, versions = _question(store, run_id, question, seen, theme_ids)
    sizes = answered[answered["theme_id"].isin(theme_ids)]["theme_id"].value_counts()
    kept = int(sizes.index[0]) if len(sizes) else theme_ids[0]
    moved = answered["theme_id"].isin(theme_ids) & (answered["theme_id"] != kept)
    _move(store, run_id, question, answered, themes, versions, np.flatnonzero(moved), kept,
          vectors_of(answered["text"].fillna("").tolist()), actor, "merge_themes")
    return kept


def split_theme(store: Store, run_id: int, question: str, theme_id: int, vectors_of,
                actor: str | None = None, seen: Mapping[int, str] | None = None) -> int:
    """Split a theme in two by the split clusterer (:data:`fritekst.themes.SPLIT_CLUSTERER`) on its
    answers' embeddings, seeded with the run's seed, so the same split gives the same halves; the
    part further from the theme's centre becomes a new theme named from its keywords. Returns the
    new theme's id. ``seen`` as for :func:`merge_themes`."""
    answered, themes, versions = _question(store, run_id, question, seen, [theme_id])
    vectors = vectors_of(answered["text"].fillna("").tolist())
    members = np.flatnonzero(answered["theme_id"].to_numpy() == int(theme_id))
    if len(members) < 4:
        raise InputError(f"theme {theme_id} has {len(members)} answers; a split needs at least 4", column="theme_id")
    seed = store.run_manifest(run_id)["seed"]
    halves = get_clusterer(SPLIT_CLUSTERER, max_themes=2, random_state=seed).fit(vectors[members]).labels_
    centre = vectors[members].mean(axis=0)
    spread = [np.linalg.norm(vectors[members][halves == h] - centre, axis=1).mean() for h in (0, 1)]
    away = members[halves == int(np.argmax(spread))]
    new_id = int(max(answered["theme_id"].max(), themes["theme_id"].max()) + 1)
    _move(store, run_id, question, answered, themes, versions, away, new_id, vectors, actor, "split_theme")
    return new_id


def _move(store: Store, run_id: int, question: str, answered: pd.DataFrame, themes: pd.DataFrame,
          versions: dict[int, str], rows, theme_id: int, vectors: np.ndarray, actor: str | None, action: str) -> None:
    """Move ``rows`` of ``answered`` to ``theme_id`` and store the recounted themes; themes that
    existed keep their (possibly coder-given) labels. The store refuses the write if the themes
    are no longer those ``versions`` describe."""
    came_from = int(answered.loc[rows, "theme_id"].iloc[0]) if len(rows) else theme_id
    answered.loc[rows, "theme_id"] = theme_id
    labels = dict(zip(themes["theme_id"], themes["label"]))
    keep = {t: labels[t] for t in answered["theme_id"].unique() if t in labels}
    parents = {}
    if "parent_theme" in themes:  # a split half stays under the broad theme it was split from
        parents = dict(zip(themes["theme_id"], zip(themes["parent_theme"], themes["parent_label"])))
        parents.setdefault(theme_id, parents.get(came_from, (came_from, labels.get(came_from, ""))))
    recounted = recount_themes(answered, vectors, keep, themes.columns, parents)
    store.regroup_themes(run_id, question, dict.fromkeys(answered.loc[rows, "segment_id"], theme_id), recounted,
                         actor, action, seen=versions)


def accept_theme(store: Store, run_id: int, question: str, theme_id: int, code_id: str, coder: str,
                 codebook_version: int, codebook: str | None = None, seen: Mapping[int, str] | None = None) -> int:
    """Code every answered segment of a theme with ``code_id`` as ``coder``; returns how many.
    ``seen`` as for :func:`merge_themes`: when it holds, the answers coded are the ones the coder
    saw in the theme, so a regroup saved a moment later does not need to stop the coding."""
    answered, _, _ = _question(store, run_id, question, seen, [theme_id])
    chosen = answered[answered["theme_id"] == int(theme_id)]["segment_id"].tolist()
    if not chosen:
        raise InputError(f"theme {theme_id} has no answers to code", column="theme_id")
    store.add_codings(chosen, code_id, coder, codebook_version, codebook=codebook, whole_theme=True)
    return len(chosen)
