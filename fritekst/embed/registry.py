"""Embedders chosen by name: what ``--embedder`` and a run's manifest say.

``get_embedder("e5-small")`` (default, bundled), ``get_embedder("st:PATH_OR_NAME")``
(sentence-transformers) and ``get_embedder("tfidf")`` (lexical fallback); other packages add
backends with :func:`register_embedder`. A factory gets the text after ``prefix:`` and the run's
seed, which a backend with randomness in it (TF-IDF's SVD) takes as its ``random_state``.
"""

from __future__ import annotations

from collections.abc import Callable

from fritekst.embed.base import DEFAULT_EMBEDDER, Embedder
from fritekst.embed.e5 import TWO_VIEWS, E5SmallEmbedder, E5TwoViewsEmbedder
from fritekst.embed.sentence_transformers import SentenceTransformerEmbedder
from fritekst.embed.tfidf import TfidfEmbedder
from fritekst.errors import InputError

Factory = Callable[[str, int], Embedder]
"""``factory(argument, random_state)``: the embedder a name stands for."""

_REGISTRY: dict[str, Factory] = {}


def register_embedder(prefix: str, factory: Factory) -> None:
    """Make ``factory(argument, random_state)`` answer to ``prefix`` or ``prefix:argument``."""
    _REGISTRY[prefix] = factory


def available_embedders() -> list[str]:
    return sorted(_REGISTRY)


def get_embedder(name: str = DEFAULT_EMBEDDER, random_state: int = 0) -> Embedder:
    """Build the embedder a config or ``--embedder`` flag names, seeded with the run's seed."""
    prefix, _, argument = name.partition(":")
    factory = _REGISTRY.get(prefix)
    if factory is None:
        known = ", ".join(f"{p}" + (":PATH_OR_NAME" if p == "st" else "") for p in available_embedders())
        raise InputError(f"unknown embedder {name!r}; choose one of {known}", column="--embedder")
    if prefix == "st" and not argument:
        raise InputError("'st:' needs a model directory or name, e.g. st:/models/nb-sbert-base", column="--embedder")
    return factory(argument, random_state)


register_embedder(DEFAULT_EMBEDDER, lambda _argument, _seed: E5SmallEmbedder())
register_embedder(TWO_VIEWS, lambda _argument, _seed: E5TwoViewsEmbedder())
register_embedder("st", lambda argument, _seed: SentenceTransformerEmbedder(argument))
register_embedder("tfidf", lambda _argument, seed: TfidfEmbedder(random_state=seed))
