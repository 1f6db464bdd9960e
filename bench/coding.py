"""Codebook coding on SIB-200 nob: zero-shot, then with k coded examples per category.

The 7 topics are written as a codebook from their names alone (bench/data/sib200_codebook.yaml).
Two evaluations, each with its baselines in the same run (cosine to the category labels alone;
logistic regression on the embeddings with the same coded examples):

- ``dev``: the 99 dev sentences are the question's answers; coded examples come from train
  (mean over ``--draws`` draws; one draw for "all").
- ``pool``: all 800 train+dev sentences are the answers; k per category are drawn as coded and
  the rest are scored (mean over ``--draws`` draws). Eight times as many sentences, so the
  figures move less from draw to draw than on dev's 99.

fritekst's coder sees the uncoded answers too (``y == ""``), as in ``fritekst run``. Where the
classifier joins (20 and all), the classifier as it was before decision 020 (scikit-learn's C=1,
prototype probabilities at full weight in the product) runs beside it.

    python -m bench.coding [--draws 5] [--out bench/results/coding.md]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from bench.quality import DEFAULT_SIB
from fritekst.codebook import load_codebook
from fritekst.coding import CodebookCoder, category_prototypes
from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.embed.base import normalise_rows

CODEBOOK = Path(__file__).resolve().parent / "data" / "sib200_codebook.yaml"
SHOTS = (0, 1, 5, 20, "all")


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--codebook", type=Path, default=CODEBOOK)
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/coding.md"))
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    embedder, cache = get_embedder("e5-small"), EmbeddingCache()
    embed = lambda texts: embed_with_cache(embedder, list(texts), cache).vectors  # noqa: E731
    read = lambda split: pd.read_csv(args.sib / f"{split}.tsv", sep="\t", quoting=3)  # noqa: E731
    train, dev = read("train"), read("dev")
    to_id = lambda labels: labels.str.replace("/", "_").to_numpy()  # noqa: E731
    y_train, y_dev = to_id(train["category"]), to_id(dev["category"])
    X_train, X_dev = embed(train["text"]), embed(dev["text"])

    codebook = load_codebook(args.codebook)
    ids, prototypes = category_prototypes(codebook, embed)
    names = normalise_rows(embed([codebook.category(i).label for i in ids]))
    rng = np.random.default_rng(0)

    def draw(y, k):
        if k == "all":
            return np.arange(len(y))
        return np.concatenate([rng.choice(np.flatnonzero(y == c), k, replace=False) for c in ids]) if k else np.array([], int)

    def dev_split(k):
        chosen = draw(y_train, k)
        return X_train[chosen], y_train[chosen], X_dev, y_dev

    X_pool, y_pool = np.vstack([X_train, X_dev]), np.concatenate([y_train, y_dev])

    def pool_split(k):
        chosen = draw(y_pool, k)
        rest = np.setdiff1d(np.arange(len(y_pool)), chosen)
        return X_pool[chosen], y_pool[chosen], X_pool[rest], y_pool[rest]

    rows = []
    for evaluation, split, shots in (("dev", dev_split, SHOTS), ("pool", pool_split, SHOTS[:-1])):
        for k in shots:
            rows += _evaluate(evaluation, k, [split(k) for _ in range(args.draws if k not in (0, "all") else 1)],
                              ids, prototypes, names)
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Codebook coding on SIB-200 nob\n\n"
        f"Codebook `{args.codebook.name}`. `dev`: 99 dev sentences, coded examples from train. "
        f"`pool`: 800 train+dev sentences, k per category coded, the rest scored. "
        f"Mean over {args.draws} draws (one for 0 and 'all').\n\n"
        + table.to_markdown(index=False, floatfmt=".3f") + "\n", encoding="utf-8")
    print(table.to_string(index=False))
    return table


def _evaluate(evaluation, k, splits, ids, prototypes, names) -> list[dict]:
    """Accuracy and macro-F1 of fritekst and the baselines, averaged over ``splits``."""
    ids_array = np.array(ids)
    results: dict[str, list] = {}

    def score(method, truth, predicted):
        results.setdefault(method, []).append(
            (accuracy_score(truth, predicted), f1_score(truth, predicted, average="macro")))

    for X_coded, y_coded, X_answers, y_answers in splits:
        if k == 0:
            score("cosine to category labels", y_answers, ids_array[np.argmax(X_answers @ names.T, axis=1)])
        X_fit = np.vstack([X_coded, X_answers])
        y_fit = np.concatenate([y_coded, np.full(len(X_answers), "", dtype=object)])
        coder = CodebookCoder(prototypes, ids).fit(X_fit, y_fit)
        score("fritekst", y_answers, ids_array[np.argmax(coder.predict_proba(X_answers), axis=1)])
        if k in (20, "all"):  # the classifier joins: as it was combined before decision 020
            before = CodebookCoder(prototypes, ids, classifier_C=1.0, prototype_weight=1.0).fit(X_fit, y_fit)
            score("fritekst, classifier as before (C=1, prototypes weight 1)", y_answers,
                  ids_array[np.argmax(before.predict_proba(X_answers), axis=1)])
        without_pool = CodebookCoder(prototypes, ids, min_pool=10**9).fit(X_coded, y_coded)
        score("fritekst without the answers (ablation)", y_answers,
              ids_array[np.argmax(without_pool.predict_proba(X_answers), axis=1)])
        if k not in (0, 1):
            lr = LogisticRegression(max_iter=3000).fit(X_coded, y_coded)
            score("logistic regression", y_answers, lr.predict(X_answers))
    return [
        {"evaluation": evaluation, "coded per category": k, "method": method,
         "accuracy": np.mean(values, axis=0)[0], "macro_F1": np.mean(values, axis=0)[1]}
        for method, values in results.items()
    ]


if __name__ == "__main__":
    main()
