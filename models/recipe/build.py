"""Rebuild models/nb_fritekst from the treebank: convert, train, package, score.

    cd models/recipe && nice -n 19 python build.py [--steps 6500] [--train corpus/train]

A variant is judged the way the shipped pipeline was chosen, packaged with the component and
scored on dev only (never test)::

    python vectors.py --dims 128 --out training/vectors128
    python -m spacy train config.cfg --output training/v128 --paths.vectors training/vectors128 ...
    python build.py --checkpoint training/v128/model-best --vectors training/vectors128 \
        --target training/v128-packaged --sets dev/nob dev/nno --scores training/v128.json

1. ``convert.py`` writes the DocBins to ``corpus/`` (git-ignored: treebank text).
2. ``vectors.py`` distils static word vectors from the bundled e5 model into
   ``training/vectors`` (git-ignored; about 5 minutes on 2 cores).
3. ``spacy train config.cfg`` on the NDT train split of Bokmål and Nynorsk, keeping the
   checkpoint with the best weighted dev score on the UD Bokmål dev file.
4. The best checkpoint is saved to ``models/nb_fritekst`` with fritekst's meta (name,
   version, data sources, licence) and ``fritekst.word_vectors``' component in front, which
   maps word forms the table lacks at run time; nothing else from the run is kept.
5. ``evaluate.py`` scores it on the UD dev and test files of both written standards and
   writes ``scores.json`` beside this script.

The test files are read only in step 5, never to choose settings.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent
VECTORS = HERE / "training" / "vectors"

META = {
    "name": "fritekst",
    "version": "0.1.0",
    "description": (
        "Norwegian (Bokmål and Nynorsk) pipeline for fritekst: tok2vec, morphologizer (UD UPOS and "
        "FEATS), edit-tree lemmatizer and NorNE named entities (PER, ORG, LOC, GPE_LOC, GPE_ORG, PROD, "
        "EVT, DRV, MISC). CPU; static word vectors distilled from multilingual-e5-small. Trained by "
        "models/recipe from the NDT train split."
    ),
    "author": "fritekst",
    "license": "Trained on CC0-1.0 annotations (NDT, NorNE); no source text included (models/README.md)",
    "sources": [
        {
            "name": "Norwegian Dependency Treebank (NDT)",
            "url": "https://www.nb.no/sprakbanken/ressurskatalog/oai-nb-no-sbr-10/",
            "license": "CC0-1.0 (annotations); texts may be used for training but not republished",
            "author": "Språkbanken, National Library of Norway",
        },
        {
            "name": "NorNE",
            "url": "https://github.com/ltgoslo/norne",
            "license": "CC0-1.0",
            "author": "Jørgensen, Aasmoe, Ruud Husevåg, Øvrelid, Velldal (LREC 2020)",
        },
    ],
}


def run(*args: str) -> None:
    print("$", " ".join(args), flush=True)
    subprocess.run(args, cwd=HERE, check=True)


def add_word_vector_mapper(nlp, vectors: Path) -> None:
    """First in the pipeline: new word forms get a row of the table at run time
    (`fritekst.word_vectors`), with the projection the table was built with."""
    import numpy as np

    from fritekst.word_vectors import FACTORY, PROJECTION_FILE

    mapper = nlp.add_pipe(FACTORY, first=True)
    with np.load(vectors / PROJECTION_FILE) as projection:
        mapper.set_projection(projection["mean"], projection["components"], projection["scale"])


def keep_row_owners(nlp, vectors: Path) -> None:
    """Keys only for the words that own a row: every other word is mapped to its nearest row by the
    component at run time, the computation ``vectors.py`` made for it, so its key need not ship
    (about 90 000 keys, 1 MB)."""
    from spacy.strings import get_string_id

    from vectors import spellings

    owners = json.loads((vectors / "rows.json").read_text(encoding="utf-8"))
    kept = {get_string_id(form) for word in owners for form in spellings(word)}
    table = nlp.vocab.vectors
    for key in [key for key in table.key2row if key not in kept]:
        del table.key2row[key]


def package(best: Path, target: Path, seconds: float | None, vectors: Path = VECTORS) -> None:
    """The trained pipeline with fritekst's meta, written fresh (no optimiser state, no logs)."""
    import spacy

    nlp = spacy.load(best)
    add_word_vector_mapper(nlp, vectors)
    keep_row_owners(nlp, vectors)
    performance = nlp.meta.get("performance", {})
    nlp.meta.update(META)
    nlp.meta["performance"] = performance
    nlp.meta["spacy_version"] = ">=3.7.0,<3.9.0"  # as pyproject.toml; the architectures are all in 3.7
    if seconds is not None:
        nlp.meta["training_minutes"] = round(seconds / 60, 1)
    nlp.to_disk(target)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", default="corpus/train", help="a .spacy file or a folder of them")
    parser.add_argument("--dev", default="corpus/dev/nob.spacy")
    parser.add_argument("--steps", type=int, default=6500)
    parser.add_argument("--output", type=Path, default=HERE / "training" / "nb")
    parser.add_argument("--target", type=Path, default=MODELS / "nb_fritekst")
    parser.add_argument("--vectors", type=Path, default=VECTORS, help="the table to train and package with")
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="package and score this trained pipeline instead of training one")
    parser.add_argument("--sets", nargs="+", default=None, help="evaluate.py's sets (default: all four)")
    parser.add_argument("--scores", type=Path, default=HERE / "scores.json")
    args = parser.parse_args(argv)
    python = sys.executable
    if not (HERE / "corpus" / "train").is_dir():
        run(python, "convert.py")
    vectors = args.vectors.resolve()
    if not (vectors / "vocab" / "vectors").is_file():
        if args.checkpoint is not None:  # a table built now would not be the one it was trained with
            parser.error(f"--vectors {args.vectors}: no vector table there (vectors.py writes one)")
        run(python, "vectors.py", "--out", str(vectors))
    seconds = None
    if args.checkpoint is None:
        started = time.perf_counter()
        run(python, "-m", "spacy", "train", "config.cfg", "--output", str(args.output),
            "--paths.train", args.train, "--paths.dev", args.dev, "--paths.vectors", str(vectors),
            "--training.max_steps", str(args.steps))
        seconds = time.perf_counter() - started
    package(args.checkpoint or args.output / "model-best", args.target, seconds, vectors)
    run(python, "evaluate.py", str(args.target), "--json", str(args.scores), *(["--sets", *args.sets] if args.sets else []))
    if seconds is not None:
        print(json.dumps({"trained_minutes": round(seconds / 60, 1)}))


if __name__ == "__main__":
    main()
