"""Active learning on SIB-200 nob: accuracy against the number of coded answers, random order vs
fritekst's "Lær modellen raskest" order (:func:`fritekst.coding.learning_order`), in one run.

For each seed the 800 train+dev sentences are split at random into a question of 600 answers
and 200 held-out sentences. A coder codes the question's answers in one of the two orders
(the true topic is the code), in batches of ``--batch``; after each batch the model is fitted
again on what is coded (as a coder pressing "Foreslå koder" would) and, for fritekst's order,
the rest of the order is recomputed from its new confidence. Accuracy is top-1 on the held-out
200, so it does not depend on which answers are left. Mean over ``--seeds`` seeds.

Baselines in the same run: both orders with the coder before issue 19's early classifier (it
joined once every category had 20 codes; the pool view stepped aside then; d58189a), i.e.
``CodebookCoder(min_examples_for_classifier=20)`` with that commit's calibration; and fritekst's
order with the coder at 679fdf2 (decision 025), whose calibration
(:func:`bench.calibration.as_at_679fdf2`) ordered the queue differently, and with the coder at
d7b1136, whose confidence came from the temperature alone (:func:`bench.calibration.temperature_alone`).
Random order does not depend on the calibration, so their random order is the coder as it is.

    python -m bench.active_learning [--seeds 5] [--batch 20] [--out bench/results/active_learning.md]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from bench.calibration import as_at_679fdf2, load_sib, temperature_alone
from bench.coding import CODEBOOK
from bench.quality import DEFAULT_SIB
from fritekst.coding import CodebookCoder, learning_order

QUESTION = 600
MOST_CODED = 200
RANDOM_AT = 100  # the done-when: fritekst's order reaches random's accuracy at 100 coded with <= 60
# "": the coder as it is; each: its settings, and the calibration put back (fitted coder, answers, uncoded ones).
def at_d7b1136(coder: CodebookCoder, X: np.ndarray, X_uncoded: np.ndarray) -> CodebookCoder:
    return temperature_alone(coder, X_uncoded)


MODELS = {"": ({}, None), "d7b1136": ({}, at_d7b1136), "679fdf2": ({}, as_at_679fdf2),
          "before": ({"min_examples_for_classifier": 20}, as_at_679fdf2)}
SAME_RANDOM = ("679fdf2", "d7b1136")  # calibrated differently only: random order is the coder as it is


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("bench/results/active_learning.md"))
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    data = load_sib(args.sib, CODEBOOK)
    X = np.vstack([data["X_train"], data["X_dev"]])
    y = np.concatenate([data["y_train"], data["y_dev"]])
    curves = {(order, model): [] for model in MODELS for order in ("random", "fritekst")
              if not (order == "random" and model in SAME_RANDOM)}
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        shuffled = rng.permutation(len(y))
        question, held_out = shuffled[:QUESTION], shuffled[QUESTION:]
        for order, model in curves:
            curves[order, model].append(_curve(data, X[question], y[question], X[held_out], y[held_out], order,
                                               args.batch, np.random.default_rng(1000 + seed), *MODELS[model]))
    steps = range(0, MOST_CODED + 1, args.batch)
    table = pd.DataFrame({"coded": list(steps),
                          **{_column(order, model): np.mean(values, axis=0) for (order, model), values in curves.items()}})
    verdict = "\n\n".join(_verdict(table, model) for model in MODELS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Active learning on SIB-200 nob\n\n"
        f"Question: 600 of the 800 train+dev sentences, 200 held out (a new split per seed); codes in batches of "
        f"{args.batch}, the model refitted after each; top-1 accuracy on the held-out 200, mean of {args.seeds} seeds. "
        f"Codebook `{CODEBOOK.name}`.\n\n" + verdict + "\n\n"
        + table.to_markdown(index=False, floatfmt=".3f") + "\n", encoding="utf-8")
    print(table.to_string(index=False))
    print(verdict)
    return table


def _column(order: str, model: str) -> str:
    return f"accuracy, {order} order" + (f" ({model})" if model else "")


def _verdict(table: pd.DataFrame, model: str) -> str:
    who = {"": "The coder as it is", "before": "The coder before issue 19"}.get(model, f"The coder at {model}")
    target = table.loc[table["coded"] == RANDOM_AT, _column("random", "" if model in SAME_RANDOM else model)].iloc[0]
    reached = table.loc[table[_column("fritekst", model)] >= target, "coded"]
    return (f"{who}: fritekst's order reaches random's accuracy at {RANDOM_AT} coded ({target:.3f}) with "
            f"{reached.iloc[0]} coded." if len(reached) else
            f"{who}: fritekst's order does not reach random's accuracy at {RANDOM_AT} coded ({target:.3f}) "
            f"within {MOST_CODED}.")


def _curve(data, X, y, X_test, y_test, order: str, batch: int, rng, settings: dict, as_then) -> list[float]:
    """Held-out accuracy after 0, batch, 2 × batch … coded answers, coding in ``order`` with a
    coder made with ``settings`` (and recalibrated by ``as_then``, if given, as an older commit did)."""
    ids = np.array(data["ids"])
    codes = np.full(len(y), "", dtype=object)
    queue = rng.permutation(len(y))
    accuracy = []
    for coded in range(0, MOST_CODED + 1, batch):
        coder = CodebookCoder(data["prototypes"], list(ids), **settings).fit(X, codes)
        if as_then is not None:
            coder = as_then(coder, X, X[codes == ""])
        accuracy.append(float((ids[coder.predict_proba(X_test).argmax(axis=1)] == y_test).mean()))
        if order == "fritekst":
            queue = learning_order(coder.predict_proba(X).max(axis=1), X, coded=codes != "")
        taken = [i for i in queue if codes[i] == ""][:batch]
        codes[taken] = y[taken]
    return accuracy


if __name__ == "__main__":
    main()
