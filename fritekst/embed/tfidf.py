"""A fast lexical fallback: TF-IDF over words and character n-grams, reduced by LSA.

Its vectors depend on the batch it is fitted on, so it is not cached.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fritekst.embed.base import normalise_rows


class TfidfEmbedder:
    name = "tfidf"
    version = "tfidf-lsa-1"
    cacheable = False

    def __init__(self, dim: int = 256, random_state: int = 0) -> None:
        self.dim = dim
        self.random_state = random_state

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from scipy.sparse import hstack
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for vectorizer in (
            TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b"),
            TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5)),
        ):
            try:
                parts.append(vectorizer.fit_transform(texts))
            except ValueError:  # no word (or n-gram) at all, e.g. only "a b": this view adds nothing
                continue
        if not parts:
            return np.zeros((len(texts), self.dim), dtype=np.float32)
        matrix = hstack(parts).tocsr()
        n_components = min(self.dim, matrix.shape[0] - 1, matrix.shape[1] - 1)
        if n_components < 2:
            dense = matrix.toarray()
        else:
            dense = TruncatedSVD(n_components, random_state=self.random_state).fit_transform(matrix)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        out[:, : dense.shape[1]] = dense[:, : self.dim]
        return normalise_rows(out)
