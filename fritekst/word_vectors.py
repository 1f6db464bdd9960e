"""Word vectors for words the shipped pipeline's table lacks, from the bundled e5 model.

`models/nb_fritekst` feeds its tok2vec static word vectors distilled from multilingual-e5-small
(`models/recipe/vectors.py`): each word embedded alone, reduced by PCA and pruned to a fixed
number of rows, every other word sharing its nearest row. The table cannot hold every word a
survey will use, so this component, first in the pipeline, does the same for each new word form
when it is met: e5 embedding → the same projection → the nearest row. Names and places the
treebank never showed get what e5 knows about them (UD Bokmål dev NER F +0.02 at one
checkpoint, `models/README.md`). Each form is embedded once per process; the table's rows never
change, only its keys grow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import minibatch
from spacy.vectors import Vectors

FACTORY = "fritekst_word_vectors"
PROJECTION_FILE = "projection.npz"


def project(embedded: np.ndarray, mean: np.ndarray, components: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """e5 embeddings into the table's space; `models/recipe/vectors.py` builds the table with it."""
    return np.ascontiguousarray((embedded - mean) @ components.T / scale, dtype=np.float32)


def nearest_rows(vectors: Vectors, projected: np.ndarray) -> np.ndarray:
    """The table row (by cosine) each projected embedding is keyed to, at build and at run time alike."""
    _, rows, _ = vectors.most_similar(np.ascontiguousarray(projected), batch_size=4096)
    return rows[:, 0]


class WordVectorMapper:
    """Gives every token form a row of the vocabulary's vector table before tok2vec reads it."""

    def __init__(self, nlp: Language, name: str = FACTORY) -> None:
        self.vocab = nlp.vocab
        self.name = name
        self.projection: dict[str, np.ndarray] = {}
        self.cache = None  # an EmbeddingCache: word forms' e5 embeddings kept between processes
        self.added: set[int] = set()  # keys this component gave a row, beyond the shipped table

    def set_projection(self, mean: np.ndarray, components: np.ndarray, scale: np.ndarray) -> None:
        """The PCA the table was built with: ``(e5 - mean) @ components.T / scale`` is a row's space."""
        self.projection = {"mean": mean, "components": components, "scale": scale}

    def project(self, forms: list[str]) -> np.ndarray:
        from fritekst.embed import embed_with_cache, get_embedder

        if not self.projection:
            raise ValueError(f"{self.name}: no projection; build the pipeline with models/recipe/build.py")
        return project(embed_with_cache(get_embedder(), forms, self.cache).vectors, **self.projection)

    def add_forms(self, forms: Iterable[str]) -> None:
        """Key each new form to the row nearest its projected e5 embedding."""
        vectors = self.vocab.vectors
        new = list(dict.fromkeys(f for f in forms if f.strip() and get_string_id(f) not in vectors))
        if not new:
            return
        for form, row in zip(new, nearest_rows(vectors, self.project(new))):
            vectors.add(get_string_id(form), row=int(row))
            self.added.add(get_string_id(form))

    @contextmanager
    def shipped_table_only(self) -> Iterator[None]:
        """While the pipeline runs without this component, forms it keyed earlier in the process
        (masking quotes runs it) go back to a zero vector, so tagging never depends on what the
        process did before: 105 of the example survey's tokens changed tag or lemma otherwise."""
        key2row = self.vocab.vectors.key2row
        hidden = {key: key2row.pop(key) for key in self.added if key in key2row}
        try:
            yield
        finally:
            key2row.update(hidden)

    def __call__(self, doc: Doc) -> Doc:
        self.add_forms(token.text for token in doc)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            self.add_forms(token.text for doc in batch for token in doc)
            yield from batch

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        np.savez(path / PROJECTION_FILE, **self.projection)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> WordVectorMapper:
        with np.load(Path(path) / PROJECTION_FILE) as stored:
            self.set_projection(stored["mean"], stored["components"], stored["scale"])
        return self


@Language.factory(FACTORY)
def make_word_vector_mapper(nlp: Language, name: str) -> WordVectorMapper:
    return WordVectorMapper(nlp, name)
