"""Sentence embeddings behind one small protocol, chosen by name.

``get_embedder("e5-small")`` (default, bundled), ``get_embedder("st:PATH_OR_NAME")``
(sentence-transformers) and ``get_embedder("tfidf")`` (lexical fallback); other
packages can add backends with :func:`register_embedder`.
"""

from fritekst.embed.base import DEFAULT_EMBEDDER, Embedder
from fritekst.embed.cache import EmbeddingCache, embed_with_cache
from fritekst.embed.registry import available_embedders, get_embedder, register_embedder

__all__ = [
    "DEFAULT_EMBEDDER",
    "Embedder",
    "EmbeddingCache",
    "available_embedders",
    "embed_with_cache",
    "get_embedder",
    "register_embedder",
]
