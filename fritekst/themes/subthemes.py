"""Sub-themes: a broad theme split further where its answers hold a stable finer grouping.

Analysts write 8–20 headings per question, often in two levels; the N-adaptive range of
:func:`~fritekst.themes.cluster.theme_count_range` gives 5–7 broad themes at N ≈ 100–250. So
each broad theme is split again with k-means on its own answers (centred on the theme's mean,
as a question's answers are centred on the question's), and a split is kept only when it is
stable: the same k found on bootstrap samples of the theme must give nearly the same groups,
and told apart in words: each part must have a word of its own (see
docs/decisions/021-two-level-themes-and-heading-labels.md and 023-sub-themes-told-apart-in-words.md
for the figures behind the thresholds).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score, silhouette_score

from fritekst.embed.base import normalise_rows

# A broad theme is split only with at least this many answers, into parts of at least
# MIN_SUBTHEME_SIZE answers each on average: a sub-theme of three answers is a quote, not a theme.
MIN_SPLIT_SIZE = 16
MIN_SUBTHEME_SIZE = 8
MAX_SUBTHEMES = 5
# A split is kept when k-means on bootstrap samples agrees with it (mean ARI over the theme's
# answers) at least this well, and its silhouette is at least MIN_SILHOUETTE.
BOOTSTRAPS = 5
MIN_STABILITY = 0.5
MIN_SILHOUETTE = 0.04
# Above this many answers a broad theme is split on a seeded sample of this size: 5 bootstraps of
# k-means at up to 4 values of k took 50 s on a 6 000-answer theme, 7 s on a sample of 1 000
# (2 cores shared with other work).
MAX_FIT_SIZE = 1000
# A stable split may still be one of form, not of content: on the example survey's q17 the
# 37 housing answers split stably (bootstrap ARI 0.65-0.96) into «Boliger.»-like one-word answers
# and long ones on the housing market, all one planned theme. So every part must hold a word (a
# keyword lemma) in at least MIN_WORD_SHARE of its answers that is at most 1/WORD_LIFT as common
# among its siblings: a sub-theme a coder opens has something of its own to say (decision 023).
MIN_WORD_SHARE = 0.4
WORD_LIFT = 2.0


def split_stably(features: np.ndarray, random_state: int = 0) -> np.ndarray:
    """Sub-theme of each row of ``features`` (one broad theme's answers), all 0 when no split is
    stable. The caller numbers them (by size). Above MAX_FIT_SIZE answers the split is found on a
    seeded sample and every other answer joins the nearest part's centre, as broad themes are
    found at large N (decision 001)."""
    n = len(features)
    if n < MIN_SPLIT_SIZE or n // MIN_SUBTHEME_SIZE < 2:
        return np.zeros(n, dtype=int)
    Z = normalise_rows(features - features.mean(axis=0, keepdims=True))
    rows = np.arange(n)
    if n > MAX_FIT_SIZE:
        rows = np.sort(np.random.default_rng(random_state).choice(n, MAX_FIT_SIZE, replace=False))
    parts = _best_stable_split(Z[rows], random_state)
    if parts is None:
        return np.zeros(n, dtype=int)
    if len(rows) == n:
        return parts
    centres = normalise_rows(np.vstack([Z[rows[parts == part]].mean(axis=0) for part in range(int(parts.max()) + 1)]))
    labels = np.argmax(Z @ centres.T, axis=1)
    labels[rows] = parts
    return labels


def _best_stable_split(Z: np.ndarray, random_state: int) -> np.ndarray | None:
    """The k-means split of ``Z`` with the best silhouette among the stable ones, or None."""
    high = min(MAX_SUBTHEMES, len(Z) // MIN_SUBTHEME_SIZE)
    distinct = len(np.unique(np.round(Z, 5), axis=0))
    best, best_silhouette = None, MIN_SILHOUETTE
    for k in range(2, min(high, distinct - 1) + 1):
        labels = _kmeans(Z, k, random_state)
        if len(np.unique(labels)) < 2:
            continue
        silhouette = float(silhouette_score(Z, labels))
        if silhouette >= best_silhouette and stability(Z, labels, k, random_state) >= MIN_STABILITY:
            best, best_silhouette = labels, silhouette
    return best


def stability(Z: np.ndarray, labels: np.ndarray, k: int, random_state: int = 0) -> float:
    """Mean ARI between ``labels`` and k-means fitted on seeded bootstrap samples of ``Z``
    (every row then labelled by its nearest centre)."""
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(random_state)
    scores = []
    for _ in range(BOOTSTRAPS):
        sample = rng.choice(len(Z), len(Z), replace=True)
        model = KMeans(k, n_init=4, random_state=random_state).fit(Z[sample])
        scores.append(adjusted_rand_score(labels, model.predict(Z)))
    return float(np.mean(scores))


def _kmeans(Z: np.ndarray, k: int, random_state: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=10, random_state=random_state).fit_predict(Z)


def told_apart_in_words(tokens: Sequence[Sequence[str]], parts: np.ndarray) -> bool:
    """Whether every part of ``parts`` (one broad theme's answers, their keyword ``tokens``) has a
    word in at least MIN_WORD_SHARE of its answers and WORD_LIFT times as common as in the rest of
    the theme. Phrases count through their words; a split into one part is trivially told apart."""
    from sklearn.preprocessing import MultiLabelBinarizer

    if int(parts.max(initial=0)) == 0:
        return True
    words = MultiLabelBinarizer(sparse_output=True).fit_transform([{t for t in toks if " " not in t} for toks in tokens])
    for part in range(int(parts.max()) + 1):
        inside, outside = parts == part, parts != part
        share_in = np.asarray(words[inside].mean(axis=0)).ravel()
        share_out = np.asarray(words[outside].mean(axis=0)).ravel()
        if not ((share_in >= MIN_WORD_SHARE) & (share_in >= WORD_LIFT * share_out)).any():
            return False
    return True
