"""Rebuild models/nb_fritekst from the treebank: convert, train, package, score.

    cd models/recipe && nice -n 19 python build.py [--steps 6000] [--train corpus/train]

1. ``convert.py`` writes the DocBins to ``corpus/`` (git-ignored: treebank text).
2. ``spacy train config.cfg`` on the NDT train split of Bokmål and Nynorsk, keeping the
   checkpoint with the best weighted dev score on the UD Bokmål dev file.
3. The best checkpoint is saved to ``models/nb_fritekst`` with fritekst's meta (name,
   version, data sources, licence); nothing else from the run is kept.
4. ``evaluate.py`` scores it on the UD dev and test files of both written standards and
   writes ``scores.json`` beside this script.

The test files are read only in step 4, never to choose settings.
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

META = {
    "name": "fritekst",
    "version": "0.1.0",
    "description": (
        "Norwegian (Bokmål and Nynorsk) pipeline for fritekst: tok2vec, morphologizer (UD UPOS and "
        "FEATS), edit-tree lemmatizer and NorNE named entities (PER, ORG, LOC, GPE_LOC, GPE_ORG, PROD, "
        "EVT, DRV, MISC). CPU, no pretrained vectors. Trained by models/recipe from the NDT train split."
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


def package(best: Path, target: Path, seconds: float) -> None:
    """The trained pipeline with fritekst's meta, written fresh (no optimiser state, no logs)."""
    import spacy

    nlp = spacy.load(best)
    performance = nlp.meta.get("performance", {})
    nlp.meta.update(META)
    nlp.meta["performance"] = performance
    nlp.meta["spacy_version"] = ">=3.7.0,<3.9.0"  # as pyproject.toml; the architectures are all in 3.7
    nlp.meta["training_minutes"] = round(seconds / 60, 1)
    nlp.to_disk(target)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", default="corpus/train", help="a .spacy file or a folder of them")
    parser.add_argument("--dev", default="corpus/dev/nob.spacy")
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--output", type=Path, default=HERE / "training" / "nb")
    parser.add_argument("--target", type=Path, default=MODELS / "nb_fritekst")
    args = parser.parse_args(argv)
    python = sys.executable
    if not (HERE / "corpus" / "train").is_dir():
        run(python, "convert.py")
    started = time.perf_counter()
    run(python, "-m", "spacy", "train", "config.cfg", "--output", str(args.output),
        "--paths.train", args.train, "--paths.dev", args.dev, "--training.max_steps", str(args.steps))
    seconds = time.perf_counter() - started
    package(args.output / "model-best", args.target, seconds)
    run(python, "evaluate.py", str(args.target), "--json", str(HERE / "scores.json"))
    print(json.dumps({"trained_minutes": round(seconds / 60, 1)}))


if __name__ == "__main__":
    main()
