"""An order of answers to code in which the model learns fastest (active learning).

The model learns most from an answer it is unsure about, but an unsure answer that is unlike
every other (an outlier, a half sentence) teaches it little about the rest: the order ranks
uncertainty times density, the answer's mean similarity to its nearest neighbours (information
density, Settles & Craven 2008). Answers already coded go last.
"""

from __future__ import annotations

import numpy as np

from fritekst.embed.base import normalise_rows

# Neighbours whose mean similarity is an answer's density: 10 is the usual choice, and at the
# N of a survey question (10–10 000) it reads a region without blurring the themes.
NEIGHBOURS = 10


def learning_order(confidence, vectors, coded=None, neighbours: int = NEIGHBOURS) -> np.ndarray:
    """Row positions of the answers, the one a coder should code first first.

    ``confidence``: the model's calibrated confidence in its suggestion for each answer;
    ``vectors``: their embeddings; ``coded``: True where someone has coded the answer already.
    Ties keep the given order, so the same input gives the same order."""
    confidence = np.asarray(confidence, dtype=float)
    coded = np.zeros(len(confidence), dtype=bool) if coded is None else np.asarray(coded, dtype=bool)
    score = (1.0 - confidence) * answer_density(vectors, neighbours)
    score[coded] = -np.inf
    return np.argsort(-score, kind="stable")


def answer_density(vectors, neighbours: int = NEIGHBOURS) -> np.ndarray:
    """Each answer's mean cosine similarity to its ``neighbours`` nearest other answers (1.0 for
    a lone answer), computed in blocks so 10 000 answers need no 10 000 × 10 000 matrix."""
    X = normalise_rows(np.asarray(vectors, dtype=np.float32))
    n = len(X)
    k = min(neighbours, n - 1)
    if k < 1:
        return np.ones(n)
    density = np.empty(n)
    for start in range(0, n, 1024):
        similarity = X[start : start + 1024] @ X.T
        rows = np.arange(len(similarity))
        similarity[rows, start + rows] = -np.inf  # not its own neighbour
        nearest = np.partition(similarity, n - k, axis=1)[:, n - k :]
        density[start : start + len(similarity)] = nearest.mean(axis=1)
    return density
