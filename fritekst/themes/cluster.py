"""Clustering that adapts to the number of answers.

BERTopic's default (UMAP + HDBSCAN, ``min_cluster_size=10``) leaves most of a
60-answer question in the outlier topic. Survey questions have 20–250 answers,
sometimes 100 000, so fritekst reduces with UMAP (as BERTopic does) and then
partitions with k-means, choosing the number of themes by silhouette inside a
range that grows slowly with N. See docs/decisions/001-adaptive-clustering.md.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

# Below this many texts UMAP's neighbour graph is too thin to help.
MIN_TEXTS_FOR_UMAP = 12


def theme_count_range(n_texts: int, min_themes: int | None = None, max_themes: int | None = None) -> tuple[int, int]:
    """Candidate numbers of themes for ``n_texts`` answers.

    The lower bound grows with log2(N) (about 2 themes at N=20, 4 at 60, 6 at 200,
    11 at 10 000); the upper bound is 1.5 times that, and never more than one theme
    per three answers. Silhouette alone picks 2–3 coarse themes on real text.
    A number the user gives is kept at any N, as far as the answers allow: at most
    N − 1 themes (silhouette needs two answers in one theme).
    """
    if n_texts < 4:
        return 1, 1
    low = min_themes if min_themes is not None else max(2, round(math.log2(n_texts) - 2))
    high = max_themes if max_themes is not None else int(1.5 * low)
    ceiling = n_texts - 1 if min_themes is not None or max_themes is not None else n_texts // 3
    high = max(1, min(high, ceiling))
    low = max(1, min(low, high))
    return low, high


class AdaptiveKMeans(ClusterMixin, BaseEstimator):
    """UMAP reduction, then k-means with k chosen by silhouette in an N-adaptive range.

    Parameters
    ----------
    min_themes, max_themes : int or None
        Fix the candidate range; None derives it from N (see :func:`theme_count_range`).
    n_neighbors, n_components : int
        UMAP settings (BERTopic's neighbours; 10 components kept more topic detail on SIB-200).
    max_fit_size : int
        Above this many texts, themes are found on a seeded sample of this size and
        every other text joins the theme whose centre (in the input space) is nearest.
    random_state : int
        Seeds UMAP, k-means and the sample; same seed, same labels.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.vstack([np.eye(4)[i % 2] + 0.01 * i for i in range(20)])
    >>> AdaptiveKMeans(random_state=0).fit(X).n_themes_
    2
    """

    def __init__(
        self,
        min_themes: int | None = None,
        max_themes: int | None = None,
        n_neighbors: int = 15,
        n_components: int = 10,
        max_fit_size: int = 2500,
        random_state: int = 0,
    ) -> None:
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.max_fit_size = max_fit_size
        self.random_state = random_state

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=np.float32)
        n = len(X)
        low, high = theme_count_range(n, self.min_themes, self.max_themes)
        rows = self._fit_rows(n)
        distinct = len(np.unique(np.round(X[rows], 5), axis=0))  # ten copies of "Bolig." are one point
        high = min(high, distinct)
        low = min(low, high)
        self.silhouette_ = {}
        if high <= 1 or n < 4:
            self.labels_ = np.zeros(n, dtype=int)
        else:
            fitted = self._best_partition(self._reduce(X[rows]), low, high)
            self.labels_ = fitted if len(rows) == n else _extend_to_all(X, rows, fitted)
        self.n_themes_ = int(len(np.unique(self.labels_)))
        return self

    def _fit_rows(self, n: int) -> np.ndarray:
        """All rows, or a seeded sample of ``max_fit_size``: UMAP is the slow part at large N."""
        if n <= self.max_fit_size:
            return np.arange(n)
        rng = np.random.default_rng(self.random_state)
        return np.sort(rng.choice(n, self.max_fit_size, replace=False))

    def _reduce(self, X: np.ndarray) -> np.ndarray:
        if len(X) < MIN_TEXTS_FOR_UMAP:
            return X
        umap = _umap_module()
        with warnings.catch_warnings():
            # A seed makes UMAP single-threaded; that is the price of identical output.
            warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
            return umap.UMAP(
                n_neighbors=min(self.n_neighbors, len(X) - 2),
                n_components=self.n_components,
                min_dist=0.0,
                metric="cosine",
                random_state=self.random_state,
            ).fit_transform(X)

    def _best_partition(self, Z: np.ndarray, low: int, high: int) -> np.ndarray:
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        best_labels, best_score = None, -np.inf
        for k in range(low, high + 1):
            labels = KMeans(k, n_init=10, random_state=self.random_state).fit_predict(Z)
            if len(np.unique(labels)) < 2:
                continue
            score = float(silhouette_score(Z, labels))  # Z has at most max_fit_size rows
            self.silhouette_[k] = score
            if score > best_score:
                best_labels, best_score = labels, score
        if best_labels is None:
            return np.zeros(len(Z), dtype=int)
        return best_labels


@functools.lru_cache(maxsize=1)
def _umap_module():
    """Import UMAP with numba's on-disk cache turned on for its compiled functions.

    UMAP compiles ~250 numba functions in every new process (10–18 s on 2 cores,
    longer than clustering itself at survey sizes) and caches none of them;
    with the cache on, later runs load them in well under a second.
    """
    import sys

    import umap
    from numba.core.dispatcher import Dispatcher

    for name, module in list(sys.modules.items()):
        if not name.startswith(("umap", "pynndescent")) or module is None:
            continue
        for function in list(vars(module).values()):
            if isinstance(function, Dispatcher):
                try:
                    function.enable_caching()
                except Exception:  # some functions (closures, generated code) cannot be cached
                    continue
    return umap


def _extend_to_all(X: np.ndarray, rows: np.ndarray, fitted: np.ndarray) -> np.ndarray:
    """Labels for all of X: the sample keeps its labels, the rest join the nearest centre."""
    themes = np.unique(fitted)
    centres = np.vstack([X[rows[fitted == t]].mean(axis=0) for t in themes])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    labels = themes[np.argmax(X @ centres.T, axis=1)]
    labels[rows] = fitted
    return labels


def tukey_outliers(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Texts far from their theme's centre: cosine distance above Q3 + 1.5·IQR within the theme.

    k-means assigns every answer; this marks the ones that fit their theme badly,
    so that they can be reported or left unassigned. ``X`` has unit rows.
    """
    outliers = np.zeros(len(labels), dtype=bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < 4:
            continue
        centre = X[members].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        dist = 1.0 - X[members] @ centre
        q1, q3 = np.percentile(dist, [25, 75])
        outliers[members[dist > q3 + 1.5 * (q3 - q1)]] = True
    return outliers
