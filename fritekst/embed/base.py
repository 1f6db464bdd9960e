"""The ``Embedder`` protocol and the registry that picks a backend by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from fritekst.errors import InputError

DEFAULT_EMBEDDER = "e5-small"


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


_Factory = Callable[[str], Embedder]
_REGISTRY: dict[str, _Factory] = {}


def register_embedder(prefix: str, factory: _Factory) -> None:
    """Make ``factory(argument)`` answer to ``prefix`` or ``prefix:argument``."""
    _REGISTRY[prefix] = factory


def available_embedders() -> list[str]:
    return sorted(_REGISTRY)


def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """Build the embedder a config or ``--embedder`` flag names."""
    _register_builtins()
    prefix, _, argument = name.partition(":")
    factory = _REGISTRY.get(prefix)
    if factory is None:
        known = ", ".join(f"{p}" + (":PATH_OR_NAME" if p == "st" else "") for p in available_embedders())
        raise InputError(f"unknown embedder {name!r}; choose one of {known}", column="--embedder")
    if prefix == "st" and not argument:
        raise InputError("'st:' needs a model directory or name, e.g. st:/models/nb-sbert-base", column="--embedder")
    return factory(argument)


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows so that a dot product is the cosine similarity."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _register_builtins() -> None:
    if _REGISTRY.keys() >= {"e5-small", "st", "tfidf"}:
        return
    from fritekst.embed.e5 import E5SmallEmbedder
    from fritekst.embed.sentence_transformers import SentenceTransformerEmbedder
    from fritekst.embed.tfidf import TfidfEmbedder

    _REGISTRY.setdefault("e5-small", lambda _arg: E5SmallEmbedder())
    _REGISTRY.setdefault("st", SentenceTransformerEmbedder)
    _REGISTRY.setdefault("tfidf", lambda _arg: TfidfEmbedder())
