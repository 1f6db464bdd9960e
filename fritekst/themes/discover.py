"""Theme discovery: from embedded segments to numbered, labelled themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fritekst.embed.base import normalise_rows
from fritekst.privacy import Screen, is_person_keyword, person_words
from fritekst.themes.cluster import tukey_outliers
from fritekst.themes.clusterers import DEFAULT_CLUSTERER, get_clusterer, partition_key
from fritekst.themes.keywords import display_keyword, theme_keywords, theme_label, written_forms

UNASSIGNED = -1


@dataclass(frozen=True)
class ThemeConfig:
    """How themes are found. Every field is recorded in the run manifest."""

    min_themes: int | None = None
    max_themes: int | None = None
    reassign_outliers: bool = True
    content_view: bool = True
    top_n_keywords: int = 10
    n_representatives: int = 3
    random_state: int = 0
    clusterer: str = DEFAULT_CLUSTERER  # a name in fritekst.themes.clusterers


@dataclass(frozen=True)
class Theme:
    theme_id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    representatives: tuple[int, ...]  # row positions in the input, most typical first


@dataclass(frozen=True)
class ThemeResult:
    labels: np.ndarray  # theme id per input row, UNASSIGNED for outliers left out
    outliers: np.ndarray  # bool: rows that fit their theme badly (reassigned or not)
    themes: tuple[Theme, ...]


def content_text(tokens: Sequence[Sequence[str]], texts: Sequence[str]) -> list[str]:
    """The content lemmas of each text, for a second, topic-focused embedding.

    Embedding "bolig mangel kommune" next to the full sentence pulls answers on the
    same subject together even when their wording and length differ.
    """
    out = []
    for toks, text in zip(tokens, texts):
        words = [t for t in toks if " " not in t]
        out.append(" ".join(words) if words else text)
    return out


def discover_themes(
    vectors: np.ndarray,
    tokens: Sequence[Sequence[str]],
    texts: Sequence[str],
    config: ThemeConfig = ThemeConfig(),
    content_vectors: np.ndarray | None = None,
    answer_ids: Sequence[str] | None = None,
    cache=None,
) -> ThemeResult:
    """Cluster ``vectors`` into themes with keywords, labels and representative rows.

    ``answer_ids`` (one per row) ties segments to their answer, so that a theme's
    representatives come from different respondents. ``cache`` (an ``EmbeddingCache``) keeps the
    clusterer's labels for the next run on the same features and settings.
    """
    n = len(vectors)
    if n == 0:
        return ThemeResult(np.zeros(0, dtype=int), np.zeros(0, dtype=bool), ())
    features = question_features(vectors, content_vectors)
    raw = _stable_ids(_cluster(features, config, cache))
    outliers = tukey_outliers(features, raw)
    labels = raw.copy()
    if not config.reassign_outliers:
        labels[outliers] = UNASSIGNED
    themes = []
    for theme_id, (label, keywords) in describe_themes(tokens, texts, labels, config.top_n_keywords).items():
        members = np.flatnonzero(labels == theme_id)
        reps = representative_rows(features, members, texts, config.n_representatives, answer_ids)
        themes.append(Theme(theme_id, label, keywords, len(members), reps))
    return ThemeResult(labels, outliers, tuple(themes))


def _cluster(features: np.ndarray, config: ThemeConfig, cache) -> np.ndarray:
    """The clusterer's labels of ``features``: from ``cache`` when it fitted these before."""
    model = get_clusterer(config.clusterer, min_themes=config.min_themes, max_themes=config.max_themes,
                          random_state=config.random_state)
    if cache is None:
        return model.fit(features).labels_
    key = partition_key(features, model)
    labels = cache.get_partition(key)
    if labels is None:
        labels = model.fit(features).labels_
        cache.put_partition(key, labels)
    return labels


def describe_themes(
    tokens: Sequence[Sequence[str]], texts: Sequence[str], labels: np.ndarray, top_n: int = 10,
    screen: Screen | None = None,
) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Label and keywords (as the answers write them: «IMDi», «NAV») of every theme in ``labels``.

    Person names are never keywords (see :mod:`fritekst.privacy._keywords`): a label is printed
    in themes.csv, codebook drafts and report headings, far from any mask. ``screen`` finds
    them (default: the name lists; see :func:`fritekst.privacy.person_words`)."""
    forms = written_forms(texts)
    names = person_words(texts, screen)
    described = {}
    keywords = theme_keywords(tokens, labels, top_n, exclude=lambda word: is_person_keyword(word, names))
    for theme, words in sorted(keywords.items()):
        keywords = tuple(display_keyword(word, forms) for word in words)
        described[theme] = (theme_label(keywords), keywords)
    return described


def question_features(vectors: np.ndarray, content_vectors: np.ndarray | None = None) -> np.ndarray:
    """Centre each view on the question's mean answer, then add the views.

    All answers to one question share its subject, and that shared part dominates
    their embeddings; subtracting the mean leaves what sets answers apart.
    """
    features = _centred(vectors)
    if content_vectors is not None:
        features = features + _centred(content_vectors)
    return normalise_rows(features)


def _centred(vectors: np.ndarray) -> np.ndarray:
    return normalise_rows(vectors - vectors.mean(axis=0, keepdims=True))


def _stable_ids(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0.. by size (largest first), ties by first member: stable ids."""
    clusters = [c for c in np.unique(labels) if c >= 0]
    order = sorted(clusters, key=lambda c: (-(labels == c).sum(), int(np.argmax(labels == c))))
    mapping = {c: i for i, c in enumerate(order)}
    return np.array([mapping.get(c, UNASSIGNED) for c in labels], dtype=int)


def representative_rows(
    features: np.ndarray,
    members: np.ndarray,
    texts: Sequence[str],
    k: int,
    answer_ids: Sequence[str] | None = None,
) -> tuple[int, ...]:
    """The ``k`` members closest to the theme centre, printable length first.

    Answers of 4–80 words are preferred; a one-word answer stands for nothing.
    No two picks share a text or (with ``answer_ids``) a respondent.
    """
    if len(members) == 0:
        return ()
    centre = normalise_rows(features[members].mean(axis=0, keepdims=True))[0]
    similarity = features[members] @ centre
    printable = np.array([4 <= len(texts[i].split()) <= 80 for i in members])
    order = np.lexsort((members, -similarity, ~printable))
    picked: list[int] = []
    seen: set = set()
    for pos in order:
        row = int(members[pos])
        keys = {texts[row].casefold(), ("answer", answer_ids[row]) if answer_ids is not None else None}
        if keys & seen:
            continue
        seen |= keys - {None}
        picked.append(row)
        if len(picked) == k:
            break
    return tuple(picked)
