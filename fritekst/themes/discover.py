"""Theme discovery: from embedded segments to numbered, labelled themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from fritekst import nlp
from fritekst.embed.base import normalise_rows
from fritekst.privacy import Screen, is_person_keyword, person_words
from fritekst.themes.cluster import tukey_outliers
from fritekst.themes.clusterers import DEFAULT_CLUSTERER, get_clusterer
from fritekst.themes.keywords import display_keyword, lemma_spellings, theme_keywords, theme_label, written_forms
from fritekst.themes.labels import heading_labels, nb_lemma, place_lemmas, question_subject, unfit_for_label
from fritekst.themes.partitions import cached_partition
from fritekst.themes.subthemes import split_stably, told_apart_in_words

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
    subthemes: bool = True  # split broad themes where a finer split is stable (fritekst.themes.subthemes)


@dataclass(frozen=True)
class Theme:
    theme_id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    representatives: tuple[int, ...]  # row positions in the input, most typical first
    parent_theme: int  # the broad theme's id (its own when the broad theme is not split)
    parent_label: str
    # The keywords (as in ``keywords``) that are generic survey words or place names: they stay
    # keywords but never make a label, and themes.csv lists them in ``marked_keywords``.
    marked_keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeResult:
    """Themes at the finest level found: ``labels`` and ``themes`` are sub-themes where a broad
    theme was split, the broad theme itself where it was not; ``parents`` gives each theme's
    broad theme. Ids run in outline order: broad theme by size, then its sub-themes by size."""

    labels: np.ndarray  # theme id per input row, UNASSIGNED for outliers left out
    outliers: np.ndarray  # bool: rows that fit their theme badly (reassigned or not)
    themes: tuple[Theme, ...]

    def parents(self) -> np.ndarray:
        """The broad theme of every row (UNASSIGNED stays UNASSIGNED)."""
        parent = {theme.theme_id: theme.parent_theme for theme in self.themes}
        return np.array([parent.get(int(label), UNASSIGNED) for label in self.labels], dtype=int)


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
    content_weight: float = 1.0,
) -> ThemeResult:
    """Cluster ``vectors`` into themes with keywords, labels and representative rows.

    ``answer_ids`` (one per row) ties segments to their answer, so that a theme's
    representatives come from different respondents. ``cache`` (an ``EmbeddingCache``) keeps the
    clusterer's labels for the next run on the same features and settings. ``content_weight``: how
    much the content view counts beside the text view (:func:`question_features`).
    """
    n = len(vectors)
    if n == 0:
        return ThemeResult(np.zeros(0, dtype=int), np.zeros(0, dtype=bool), ())
    features = question_features(vectors, content_vectors, content_weight)
    # One thread: the k-means fits here see at most a few thousand rows, where waking OpenMP's and
    # BLAS's threads costs more than they give (1 000 answers: 26.6 s → 5.1 s on a busy machine),
    # and the single-threaded sums come out the same on every run.
    with threadpool_limits(1):
        broad = _stable_ids(_cluster(features, config, cache))
        # A number of themes the user asks for is the number of themes in themes.csv: no sub-themes.
        split = config.subthemes and config.min_themes is None and config.max_themes is None
        fine, parent_of = _split_broad(features, tokens, broad, config, cache) if split else (broad, {})
    outliers = tukey_outliers(features, fine)
    labels, broad_labels = fine.copy(), broad.copy()
    if not config.reassign_outliers:
        labels[outliers] = UNASSIGNED
        broad_labels[outliers] = UNASSIGNED
    broad_described = describe_themes(tokens, texts, broad_labels, config.top_n_keywords, cache=cache)
    described = dict(broad_described) if not parent_of else {}
    for parent in sorted(set(parent_of.values())):
        children = [t for t, p in sorted(parent_of.items()) if p == parent]
        if len(children) == 1:
            described[children[0]] = broad_described.get(parent, ("(uten nøkkelord)", (), ()))
            continue
        rows = np.flatnonzero(np.isin(labels, children))  # sub-themes told apart from their siblings
        within = describe_themes([tokens[i] for i in rows], [texts[i] for i in rows], labels[rows], config.top_n_keywords,
                                 cache=cache)
        described.update(within)
    themes = []
    for theme_id, (label, keywords, marked) in sorted(described.items()):
        members = np.flatnonzero(labels == theme_id)
        if len(members) == 0:
            continue
        parent = parent_of.get(theme_id, theme_id)
        reps = representative_rows(features, members, texts, config.n_representatives, answer_ids)
        parent_label = broad_described.get(parent, (label,))[0]
        themes.append(Theme(theme_id, label, keywords, len(members), reps, parent, parent_label, marked))
    return ThemeResult(labels, outliers, tuple(themes))


def _split_broad(features: np.ndarray, tokens: Sequence[Sequence[str]], broad: np.ndarray,
                 config: ThemeConfig, cache=None) -> tuple[np.ndarray, dict[int, int]]:
    """Fine theme per row and each fine theme's broad theme: every broad theme split where a
    stable split exists (:func:`~fritekst.themes.subthemes.split_stably`) whose parts are told
    apart in words (:func:`~fritekst.themes.subthemes.told_apart_in_words`), numbered in outline
    order (broad theme by broad id, sub-themes by size). ``cache`` keeps each split as it keeps
    the question's partition."""
    fine = np.full(len(broad), UNASSIGNED, dtype=int)
    parent_of: dict[int, int] = {}
    for parent in sorted(int(b) for b in np.unique(broad) if b >= 0):
        members = np.flatnonzero(broad == parent)
        theme, settings = features[members], {"random_state": config.random_state}
        split = cached_partition(cache, theme, split_stably, settings, lambda: split_stably(theme, **settings))
        parts = _stable_ids(split)
        if not told_apart_in_words([tokens[i] for i in members], parts):
            parts = np.zeros(len(members), dtype=int)
        for part in range(int(parts.max()) + 1):
            parent_of[len(parent_of)] = parent
            fine[members[parts == part]] = len(parent_of) - 1
    return fine, parent_of


def _cluster(features: np.ndarray, config: ThemeConfig, cache) -> np.ndarray:
    """The clusterer's labels of ``features``: from ``cache`` when it fitted these before."""
    model = get_clusterer(config.clusterer, min_themes=config.min_themes, max_themes=config.max_themes,
                          random_state=config.random_state)
    return cached_partition(cache, features, type(model), model.get_params(), lambda: model.fit(features).labels_)


def describe_themes(
    tokens: Sequence[Sequence[str]], texts: Sequence[str], labels: np.ndarray, top_n: int = 10,
    screen: Screen | None = None, cache=None,
) -> dict[int, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Label, keywords (as the answers write them: «IMDi», «NAV») and marked keywords of every
    theme in ``labels``: the keywords that are generic survey words or place names, which stay
    keywords but are kept out of the label (:func:`~fritekst.themes.labels.unfit_for_label`).

    The label is a noun phrase from the theme's answers where one fits, else the keyword
    triplet (:mod:`fritekst.themes.labels`). Bokmål and Nynorsk forms of a keyword are counted
    as one, and a lemma no answer writes and no dictionary lists («flyktningtjenest») is shown
    as the answers write it. Person names are never keywords (see
    :mod:`fritekst.privacy._keywords`): a label is printed in themes.csv, codebook drafts and
    report headings, far from any mask. ``screen`` finds them (default: the name lists; see
    :func:`fritekst.privacy.person_words`). ``cache``: an ``EmbeddingCache`` keeping each text's
    tagged words (:func:`fritekst.nlp.tagged_words`) and the names found in it."""
    words = nlp.tagged_words(texts, cache)
    forms = {**lemma_spellings(words), **written_forms(texts)}
    names = person_words(texts, screen, cache)
    person = lambda word: is_person_keyword(word, names)  # noqa: E731
    merged = [[" ".join(nb_lemma(part) for part in token.split()) for token in toks] for toks in tokens]
    headings = heading_labels(words, labels, forms, exclude=person)
    unfit = unfit_for_label(place_lemmas(words))
    subject = question_subject(merged)
    described = {}
    for theme, lemmas in sorted(theme_keywords(merged, labels, top_n, exclude=person).items()):
        keywords = tuple(display_keyword(word, forms) for word in lemmas)
        label = headings.get(theme) or keyword_label(lemmas, keywords, subject, unfit)
        described[theme] = (label, keywords, tuple(keyword for keyword in keywords if unfit(keyword)))
    return described


def keyword_label(lemmas: Sequence[str], keywords: Sequence[str], subject: frozenset[str], unfit) -> str:
    """The keyword triplet that stands in for a heading: keywords that are places or generic words
    (``unfit``) left out, and the question's subject too («bolig» where every theme is about
    housing) while two keywords are left without it; of those, the nouns where two are nouns
    («Buss og jobber», not «Buss, jobber og lite»)."""
    fit = [(word, shown) for word, shown in zip(lemmas, keywords) if not unfit(shown)]
    telling = [(word, shown) for word, shown in fit if word not in subject]
    for chosen in (telling, fit):
        nouns = [shown for word, shown in chosen if nlp.is_noun_like(word)]
        if len(nouns) >= 2:
            return theme_label(nouns)
        if len(chosen) >= 2:
            return theme_label([shown for _, shown in chosen])
    return theme_label(keywords, skip=unfit)


def question_features(vectors: np.ndarray, content_vectors: np.ndarray | None = None,
                      content_weight: float = 1.0) -> np.ndarray:
    """Centre each view on the question's mean answer, then add the views, the content view
    ``content_weight`` times.

    All answers to one question share its subject, and that shared part dominates
    their embeddings; subtracting the mean leaves what sets answers apart. The weight is the
    embedder's: e5's one-pass content view counts 1.5 times
    (:attr:`~fritekst.embed.e5.E5TwoViewsEmbedder.content_weight`), a second pass over the lemmas once.
    """
    features = _centred(vectors)
    if content_vectors is not None:
        features = features + content_weight * _centred(content_vectors)
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
