"""Train the Bokmål/Nynorsk detector (``fritekst.language``) from the treebank, score it, write it.

    cd models/recipe && nice python written_standard.py

A logistic regression on word forms and character 2–4-grams (scikit-learn, the features
:func:`fritekst.language.features` makes), fitted on the NDT train split of both written
standards; the regularisation is chosen on the NDT dev split; the test split and the 701 SIB-200
training sentences in both standards (never seen here before scoring) give the accuracy in
``scores_written_standard.json``. Only the weights of the features that matter most are written
(``models/written_standard.tsv``: feature, weight; the intercept on the first line): no sentence
leaves the treebank.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # fritekst, from this checkout
sys.path.insert(0, str(HERE))

from ndt import DATA, guess_spaces, ndt_files, read_conll  # noqa: E402

from fritekst.language import MODEL_PATH, features, score_nynorsk, load_weights  # noqa: E402

SIB = HERE.parents[2] / "shared" / "data" / "sib200"
KEPT_FEATURES = 20000  # the most telling by |weight|; the whole model has ~400 000


def sentences(variety: str, split: str) -> list[str]:
    out = []
    for path in ndt_files(variety, split, DATA):
        for tokens in read_conll(path):
            forms = [t.form for t in tokens]
            spaces = guess_spaces(forms)
            out.append("".join(f + (" " if s else "") for f, s in zip(forms, spaces)).strip())
    return out


def labelled(split: str) -> tuple[list[str], np.ndarray]:
    nob, nno = sentences("nob", split), sentences("nno", split)
    return nob + nno, np.array([0] * len(nob) + [1] * len(nno))


def sib_sentences() -> tuple[list[str], np.ndarray]:
    nob = pd.read_csv(SIB / "nob_Latn" / "train.tsv", sep="\t")["text"].tolist()
    nno = pd.read_csv(SIB / "nno_Latn" / "train.tsv", sep="\t")["text"].tolist()
    return nob + nno, np.array([0] * len(nob) + [1] * len(nno))


def accuracy(texts: list[str], gold: np.ndarray) -> float:
    predicted = np.array([score_nynorsk(text) > 0 for text in texts])
    return round(float((predicted == gold.astype(bool)).mean()), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()

    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    train_texts, train_gold = labelled("train")
    dev_texts, dev_gold = labelled("dev")
    vectorizer = CountVectorizer(analyzer=features, binary=True)
    X = normalize(vectorizer.fit_transform(train_texts))
    X_dev = normalize(vectorizer.transform(dev_texts))
    best = None
    for c in (1.0, 4.0, 16.0):
        model = LogisticRegression(C=c, max_iter=2000).fit(X, train_gold)
        dev = float((model.predict(X_dev) == dev_gold).mean())
        print(f"C={c}: dev accuracy {dev:.4f} (all features)")
        if best is None or dev > best[0]:
            best = (dev, c, model)
    _, c, model = best
    names = vectorizer.get_feature_names_out()
    weights = model.coef_[0]
    kept = np.argsort(-np.abs(weights), kind="stable")[:KEPT_FEATURES]
    kept = kept[np.argsort(names[kept], kind="stable")]
    lines = [f"__intercept__\t{model.intercept_[0]:.5f}"] + [f"{names[i]}\t{weights[i]:.5f}" for i in kept]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_weights.cache_clear()

    sib_texts, sib_gold = sib_sentences()
    test_texts, test_gold = labelled("test")
    scores = {
        "features_kept": KEPT_FEATURES, "C": c,
        "train_sentences": len(train_texts), "dev_sentences": len(dev_texts),
        "accuracy_ndt_dev": accuracy(dev_texts, dev_gold),
        "accuracy_ndt_test": accuracy(test_texts, test_gold), "ndt_test_sentences": len(test_texts),
        "accuracy_sib200_train_pairs": accuracy(sib_texts, sib_gold), "sib200_sentences": len(sib_texts),
    }
    (HERE / "scores_written_standard.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(scores, indent=2))


if __name__ == "__main__":
    main()
