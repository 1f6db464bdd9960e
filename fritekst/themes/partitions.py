"""Partitions kept in the embedding cache: a fit's labels under a key of everything they depend on.

A re-run on the same answers with the same settings (a new codebook, threshold, mapping or
``--keep-outliers``) finds each partition it made before: the question's themes (UMAP and
k-means) and each broad theme's sub-themes (k-means with bootstrap stability). Those fits were
most of a warm re-run's time. Labels are numbers that mean nothing without the features, so an
erasure leaves them (a re-run after it has other features, hence other keys).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Callable, Mapping
from importlib import metadata

import numpy as np

# Packages whose versions change what a fit finds on the same features.
_FIT_PACKAGES = ("numpy", "scipy", "scikit-learn", "umap-learn", "pynndescent", "numba")


def partition_key(features: np.ndarray, fit: Callable, settings: Mapping[str, object]) -> str:
    """A hash of everything the labels ``fit`` gives ``features`` under ``settings`` depend on:
    the features' bytes, the fit's name, its settings and the source of its module, and the
    versions of the libraries it runs on. ``fit`` is an estimator's class or a function."""
    features = np.ascontiguousarray(features)
    digest = hashlib.sha256(features.tobytes())
    digest.update(repr((features.shape, str(features.dtype), fit.__module__, fit.__qualname__,
                        sorted(settings.items()))).encode())
    digest.update(inspect.getsource(inspect.getmodule(fit)).encode())
    digest.update(_library_versions().encode())
    return digest.hexdigest()


def cached_partition(cache, features: np.ndarray, fit: Callable, settings: Mapping[str, object],
                     labels: Callable[[], np.ndarray]) -> np.ndarray:
    """``labels()`` (the labels ``fit`` gives ``features`` under ``settings``), or what ``cache``
    (an ``EmbeddingCache``, or None) kept of them from an earlier run, which it then keeps."""
    if cache is None:
        return labels()
    key = partition_key(features, fit, settings)
    kept = cache.get_partition(key)
    if kept is None:
        kept = np.asarray(labels(), dtype=np.int64)
        cache.put_partition(key, kept)
    return kept


@functools.lru_cache(maxsize=1)
def _library_versions() -> str:
    """Asked once per process: each lookup reads installed packages' metadata."""
    versions = []
    for package in _FIT_PACKAGES:
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    return ",".join(versions)
