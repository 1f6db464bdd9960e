"""Write the training and evaluation corpora as spaCy DocBins.

- ``train/{variety}.spacy``: the NDT files of the official train split, tags mapped
  to UD by `ndt.to_ud`, NorNE entities from column 10.
- ``dev/{variety}.spacy``, ``test/{variety}.spacy``: the UD dev/test ``.conllu``
  files as they are (UPOS, FEATS, lemmas, spacing), NorNE entities from MISC.

A training run reads ``train/`` whole (Bokmål and Nynorsk) or one file of it.
Ten sentences make one Doc, as ``spacy convert -n 10`` does. The output holds the
treebank's text, which may not be republished: it goes to a git-ignored folder.

    python models/recipe/convert.py [--out models/recipe/corpus] [--varieties nob nno]
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

import ndt
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

SENTENCES_PER_DOC = 10


def _bio_to_iob(tags: list[str]) -> list[str]:
    """NorNE BIO with the odd stray I- after O or another type made a B-."""
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def make_doc(vocab: Vocab, sentences: list[list[ndt.Token]], annotations: list[list[tuple[str, str]]], spaces: list[list[bool]]) -> Doc:
    words, space_list, pos, morphs, lemmas, ents, starts = [], [], [], [], [], [], []
    for sent, ann, sp in zip(sentences, annotations, spaces):
        for i, (token, (upos, feats), space) in enumerate(zip(sent, ann, sp)):
            words.append(token.form)
            space_list.append(space)
            pos.append(upos)
            morphs.append(feats)
            lemmas.append(token.lemma)
            ents.append(token.entity)
            starts.append(i == 0)
    return Doc(vocab, words=words, spaces=space_list, pos=pos, morphs=morphs, lemmas=lemmas,
               ents=_bio_to_iob(ents), sent_starts=starts)


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def ndt_docbin(variety: str, split: str) -> tuple[DocBin, int, int]:
    """NDT files of one split, ten sentences per Doc, never crossing a file."""
    vocab, docbin, n_sents, n_tokens = Vocab(), DocBin(store_user_data=False), 0, 0
    for path in ndt.ndt_files(variety, split):
        sentences = [s for s in ndt.read_conll(path) if s]
        for chunk in _chunks(sentences, SENTENCES_PER_DOC):
            annotations = [ndt.to_ud(s, variety) for s in chunk]
            spaces = [ndt.guess_spaces([t.form for t in s]) for s in chunk]
            docbin.add(make_doc(vocab, chunk, annotations, spaces))
            n_sents += len(chunk)
            n_tokens += sum(len(s) for s in chunk)
    return docbin, n_sents, n_tokens


def ud_docbin(variety: str, split: str) -> tuple[DocBin, int, int]:
    """A UD dev/test file, gold UPOS/FEATS/lemmas/spacing as given, ten sentences per Doc."""
    path = ndt.DATA / "ud" / variety / f"{ndt.UD_FILES[variety]}-ud-{split}.conllu"
    vocab, docbin = Vocab(), DocBin(store_user_data=False)
    sentences = [s for s in ndt.read_conll(path) if s]
    for chunk in _chunks(sentences, SENTENCES_PER_DOC):
        annotations = [[(t.tag, "" if t.feats == "_" else t.feats) for t in s] for s in chunk]
        spaces = [[t.space_after for t in s] for s in chunk]
        docbin.add(make_doc(vocab, chunk, annotations, spaces))
    return docbin, len(sentences), sum(len(s) for s in sentences)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "corpus")
    parser.add_argument("--varieties", nargs="+", choices=("nob", "nno"), default=["nob", "nno"])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for variety in args.varieties:
        for split, build in (("train", ndt_docbin), ("dev", ud_docbin), ("test", ud_docbin)):
            docbin, n_sents, n_tokens = build(variety, split)
            target = args.out / split / f"{variety}.spacy"
            target.parent.mkdir(parents=True, exist_ok=True)
            docbin.to_disk(target)
            print(f"{target}: {n_sents} sentences, {n_tokens} tokens, {len(docbin)} docs")


if __name__ == "__main__":
    main()
