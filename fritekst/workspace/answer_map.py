"""The answers as points on a map: their embeddings projected to two dimensions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.nynorsk import machine_texts


def segment_vectors(texts: Sequence[str], embedder: str, cache: EmbeddingCache | None = None,
                    random_state: int = 0) -> np.ndarray:
    """The run's own embeddings of ``texts`` (from the cache the run filled; computed if missing,
    seeded with the run's seed ``random_state``): a Nynorsk answer's from its Bokmål reading, as
    the run embedded it (:func:`fritekst.nynorsk.machine_texts`)."""
    read = machine_texts(texts, cache=cache)
    return embed_with_cache(get_embedder(embedder, random_state), read, cache).vectors


def answer_map(vectors: np.ndarray, random_state: int = 0) -> pd.DataFrame:
    """``x, y`` per row: PCA of the vectors centred on their mean.

    PCA rather than UMAP: the same answers always land on the same spot, it takes milliseconds at
    10 000 answers, and distances stay honest (UMAP's clusters look tighter than they are).
    """
    from sklearn.decomposition import PCA

    if len(vectors) < 3:
        return pd.DataFrame({"x": np.zeros(len(vectors)), "y": np.zeros(len(vectors))})
    xy = PCA(n_components=2, random_state=random_state).fit_transform(vectors - vectors.mean(axis=0))
    return pd.DataFrame({"x": xy[:, 0].round(4), "y": xy[:, 1].round(4)})
