"""Score a pipeline on the UD dev/test files: UPOS, FEATS, lemma accuracy, NER P/R/F.

The gold Docs come from ``convert.py`` (``corpus/{dev,test}/{nob,nno}.spacy``);
the pipeline tokenises the raw text itself, as in use, and spaCy's scorer aligns
its tokens to the gold ones (the same scoring as ``spacy evaluate``).

    python models/recipe/evaluate.py models/nb_fritekst [--sets dev/nob test/nob] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin
from spacy.training import Example

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
KEYS = ("pos_acc", "morph_acc", "lemma_acc", "ents_p", "ents_r", "ents_f")


def weighted(row: dict) -> float:
    """The score variants are chosen by: ``config.cfg``'s ``[training.score_weights]``, the
    weights spaCy keeps its best checkpoint by, applied to the packaged pipeline's scores."""
    weights = spacy.util.load_config(HERE / "config.cfg")["training"]["score_weights"]
    return sum(weight * row[key] for key, weight in weights.items() if weight and row.get(key) is not None)


def evaluate(model: str | Path, sets: list[str], corpus: Path = CORPUS) -> dict[str, dict]:
    """{set name: scores} for each ``split/variety`` in `sets`."""
    nlp = spacy.load(model)
    results = {}
    for name in sets:
        gold = list(DocBin().from_disk(corpus / f"{name}.spacy").get_docs(nlp.vocab))
        examples = [Example(nlp.make_doc(doc.text), doc) for doc in gold]
        started = time.perf_counter()
        scores = nlp.evaluate(examples, batch_size=64)
        seconds = time.perf_counter() - started
        words = sum(len(doc) for doc in gold)
        row = {key: scores.get(key) for key in KEYS}
        row["weighted"] = weighted(row)
        row["ents_per_type"] = scores.get("ents_per_type")
        row["words_per_second"] = words / seconds
        results[name] = row
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model")
    parser.add_argument("--sets", nargs="+", default=["dev/nob", "test/nob", "dev/nno", "test/nno"])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    results = evaluate(args.model, args.sets)
    print("| set | UPOS | morph | lemma | NER P | NER R | NER F | weighted | words/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, row in results.items():
        cells = " | ".join(f"{row[k]:.3f}" if row[k] is not None else "–" for k in (*KEYS, "weighted"))
        print(f"| {name} | {cells} | {row['words_per_second']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
