"""Codebook coding on SIB-200 nob dev: zero-shot, then with k coded examples per category.

The 7 topics are written as a codebook from their names alone (bench/data/sib200_codebook.yaml).
Coded examples are drawn from train (mean over 5 draws). Baselines in the same run: cosine to
the category labels alone, and logistic regression on the embeddings with the same examples.

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


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
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

    codebook = load_codebook(CODEBOOK)
    ids, prototypes = category_prototypes(codebook, embed)
    names = normalise_rows(embed([codebook.category(i).label for i in ids]))
    ids_array = np.array(ids)

    def scores(truth, predicted):
        return accuracy_score(truth, predicted), f1_score(truth, predicted, average="macro")

    rows = []
    acc, f1 = scores(y_dev, ids_array[np.argmax(X_dev @ names.T, axis=1)])
    rows.append({"coded per category": 0, "method": "cosine to category labels", "accuracy": acc, "macro_F1": f1})
    coder = CodebookCoder(prototypes, ids).fit()
    acc, f1 = scores(y_dev, ids_array[np.argmax(coder.predict_proba(X_dev), axis=1)])
    rows.append({"coded per category": 0, "method": "fritekst (zero-shot)", "accuracy": acc, "macro_F1": f1})

    rng = np.random.default_rng(0)
    for k in (1, 5, 20, "all"):
        results = {"fritekst": [], "logistic regression": []}
        for _ in range(args.draws if k != "all" else 1):
            chosen = np.arange(len(y_train)) if k == "all" else np.concatenate(
                [rng.choice(np.flatnonzero(y_train == c), k, replace=False) for c in ids])
            model = CodebookCoder(prototypes, ids).fit(X_train[chosen], y_train[chosen])
            results["fritekst"].append(scores(y_dev, ids_array[np.argmax(model.predict_proba(X_dev), axis=1)]))
            if k != 1:
                lr = LogisticRegression(max_iter=3000).fit(X_train[chosen], y_train[chosen])
                results["logistic regression"].append(scores(y_dev, lr.predict(X_dev)))
        for method, values in results.items():
            if values:
                acc, f1 = np.mean(values, axis=0)
                rows.append({"coded per category": k, "method": method, "accuracy": acc, "macro_F1": f1})
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Codebook coding on SIB-200 nob dev (99 sentences)\n\n"
        f"Coded examples from train; mean over {args.draws} draws (one for 'all').\n\n"
        + table.to_markdown(index=False, floatfmt=".3f") + "\n", encoding="utf-8")
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
