"""Any sentence-transformers model, from a local directory or the local HF cache.

Runs offline: ``HF_HUB_OFFLINE`` is set so that a name which is not on disk fails
at once with a clear message instead of trying the network.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from fritekst.embed.base import normalise_rows
from fritekst.errors import InputError


class SentenceTransformerEmbedder:
    cacheable = True

    def __init__(self, model: str) -> None:
        self.model = model
        self.name = f"st:{Path(model).name if Path(model).exists() else model}"
        self._model = None

    @property
    def dim(self) -> int:
        return int(self._load().get_sentence_embedding_dimension())

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(self.model, device="cpu")
            except Exception as exc:  # the library raises many types for "not found"
                raise InputError(
                    f"cannot load sentence-transformers model {self.model!r} offline "
                    f"({type(exc).__name__}); give the path of a model directory",
                    column="--embedder",
                ) from exc
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._load().encode(list(texts), batch_size=64, show_progress_bar=False)
        return normalise_rows(vectors)
