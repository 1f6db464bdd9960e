"""The ``Embedder`` protocol every backend follows; the registry (:mod:`fritekst.embed.registry`)
picks one by name. Backends import this module and it imports none of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


DEFAULT_EMBEDDER = "e5-small"
"""The bundled multilingual-e5-small (:mod:`fritekst.embed.e5`): what a run uses unless told otherwise."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows.

    ``name`` is what the user chose (manifests show it); ``version`` pins the exact
    weights, so that the cache never hands one model's vectors to another;
    ``cacheable`` is False for backends whose vectors depend on the whole batch.
    """

    name: str
    version: str
    dim: int
    cacheable: bool

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows so that a dot product is the cosine similarity."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
