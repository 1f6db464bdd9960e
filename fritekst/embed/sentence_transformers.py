"""Any sentence-transformers model, from a local directory or the local HF cache.

Runs offline: ``HF_HUB_OFFLINE`` is set so that a name which is not on disk fails
at once with a clear message instead of trying the network. sentence-transformers (and torch
with it) is the optional extra ``fritekst[st]``, imported only when such a model is used.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from fritekst.embed.base import normalise_rows
from fritekst.errors import InputError


class SentenceTransformerEmbedder:
    cacheable = True

    def __init__(self, model: str) -> None:
        path = Path(model).expanduser()
        if model.startswith(("/", "./", "../", "~")) and not path.is_dir():
            raise InputError(f"no model directory at {model!r}", column="--embedder")
        self.model = str(path.resolve()) if path.exists() else model
        self.name = f"st:{self.model}"
        self.version = _fingerprint(path) if path.is_dir() else "local-cache"
        self._model = None

    @property
    def dim(self) -> int:
        return int(self._load().get_sentence_embedding_dimension())

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise InputError("the st: embedder needs sentence-transformers, which is not installed; "
                                 "install it with: pip install 'fritekst[st]'", column="--embedder") from None
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


def _fingerprint(directory: Path) -> str:
    """A short hash of a model directory: its config files' content and every file's size.

    Two directories with the same folder name but other weights get other cache keys.
    """
    digest = hashlib.sha256()
    for file in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(directory)).encode())
        digest.update(str(file.stat().st_size).encode())
        if file.suffix == ".json":
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]
