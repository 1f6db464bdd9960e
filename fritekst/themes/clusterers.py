"""Clustering chosen by name, as embedders are (:mod:`fritekst.embed.registry`).

A clusterer is a scikit-learn estimator made by ``factory(min_themes=, max_themes=,
random_state=)`` whose ``fit(X)`` sets ``labels_``. A run clusters with the one its
:class:`~fritekst.themes.ThemeConfig` names (recorded in the manifest); a coder's split of a theme
in the workspace goes through :data:`SPLIT_CLUSTERER`, seeded with the run's seed, so the same
split of the same run gives the same halves. Other packages add clusterers with
:func:`register_clusterer`.
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.base import BaseEstimator, ClusterMixin

from fritekst.errors import InputError
from fritekst.themes.cluster import AdaptiveKMeans

Factory = Callable[..., ClusterMixin]
"""``factory(min_themes=, max_themes=, random_state=)``: an unfitted estimator with ``fit(X).labels_``."""

DEFAULT_CLUSTERER = "umap-kmeans"
"""UMAP, then k-means with the number of themes chosen in an N-adaptive range (decision 001)."""
SPLIT_CLUSTERER = "kmeans"
"""k-means on the embeddings themselves, ``max_themes`` parts: a theme split in two needs no
reduction (its answers are close already) and must answer while the coder waits."""

_REGISTRY: dict[str, Factory] = {}


def register_clusterer(name: str, factory: Factory) -> None:
    _REGISTRY[name] = factory


def available_clusterers() -> list[str]:
    return sorted(_REGISTRY)


def get_clusterer(name: str = DEFAULT_CLUSTERER, *, min_themes: int | None = None, max_themes: int | None = None,
                  random_state: int = 0) -> ClusterMixin:
    """The unfitted clusterer ``name`` stands for, seeded with ``random_state``."""
    factory = _REGISTRY.get(name)
    if factory is None:
        raise InputError(f"unknown clusterer {name!r}; choose one of {', '.join(available_clusterers())}",
                         column="clusterer")
    return factory(min_themes=min_themes, max_themes=max_themes, random_state=random_state)


class KMeansParts(ClusterMixin, BaseEstimator):
    """k-means into ``max_themes`` parts (``min_themes`` is not used: the number is fixed).

    >>> import numpy as np
    >>> KMeansParts(max_themes=2).fit(np.array([[0.0], [0.1], [5.0], [5.1]])).labels_.tolist()
    [1, 1, 0, 0]
    """

    def __init__(self, min_themes: int | None = None, max_themes: int | None = 2, random_state: int = 0) -> None:
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.random_state = random_state

    def fit(self, X, y=None):
        from sklearn.cluster import KMeans

        self.labels_ = KMeans(self.max_themes, n_init=10, random_state=self.random_state).fit_predict(X)
        return self


register_clusterer(DEFAULT_CLUSTERER, AdaptiveKMeans)
register_clusterer(SPLIT_CLUSTERER, KMeansParts)
