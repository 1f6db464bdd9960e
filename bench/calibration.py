"""Is the coder's confidence a probability? Reliability and coverage on SIB-200 nob dev.

The 99 dev sentences are the question's answers; 0, 5, 20 or all train sentences per category
are the coders' codes (mean over ``--draws`` draws for 5 and 20). For each: top-1 accuracy,
expected calibration error (ECE, 10 equal-width bins), and the share of answers given a code
(coverage) with the precision among them, two ways in the same run:

- ``before``: the coder as it was before decision 020 (uncalibrated probabilities, the classifier
  at C=1 beside the prototypes at full weight) and the old threshold ``1.6 / sqrt(categories)``;
- ``020``: calibrated confidence (decision 020) and the threshold from the default target
  precision, with the classifier joining once every category had 20 codes (as at d58189a,
  before issue 19's early classifier: ``CodebookCoder(min_examples_for_classifier=20)``);
- ``025``: the coder at 679fdf2 (decision 025): the classifier joining at 3 codes per category,
  its temperature fitted by least log-loss of "the top suggestion is right" with the offline prior
  fitted that way (:func:`as_at_679fdf2` puts it back on the same fitted coder);
- ``temperature``: the same fitted coder with the confidence from the temperature alone, at which
  the held-out codes' mean confidence is their accuracy (decision 020, amended 2026-12-06; d7b1136);
- ``after``: the coder as it is (``CodebookCoder(precision=0.9)``): that temperature, then the top
  confidence corrected by how near the answer lies to a coded answer of its suggested category
  rather than of another (decision 020, amended 2026-12-06 the second time).

The ``020`` row is refitted with the log-loss too, so it is d58189a's coder as it was.

A reliability table (answers, mean confidence and accuracy per confidence bin, all draws pooled)
follows. ``--prior`` instead fits the offline prior's constants on SIB-200 train (zero-shot, the
train sentences as the pool; random subsets of 60 to 701 for the pool's size) and prints them for
``fritekst/coding/_calibration.py``.

    python -m bench.calibration [--draws 5] [--out bench/results/calibration.md]
    python -m bench.calibration --prior
"""

from __future__ import annotations

import argparse
import copy
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from sklearn.model_selection import KFold, StratifiedKFold

from bench.coding import CODEBOOK
from bench.quality import DEFAULT_SIB
from fritekst.codebook import load_codebook
from fritekst.coding import CodebookCoder, category_prototypes
from fritekst.coding._coder import CLASSIFIER_CHOICES
from fritekst.coding._calibration import (
    PRIOR_SPREAD,
    calibrate,
    correct_confidence,
    expected_calibration_error,
    fit_temperature,
    precision_threshold,
)
from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder

SHOTS = (0, 5, 20, "all")
OLD_THRESHOLD = 1.6  # before decision 020: a code at raw probability >= 1.6 / sqrt(categories)
PRIOR_SIZES = (60, 100, 200, 400, 701)
BINS = 10
TARGETS = (0.8, 0.85, 0.9, 0.95)  # other precision targets, for choosing the default
METHODS = ("before", "020", "025", "temperature", "after")
CV_FOLDS = 10  # the all-coded check on the pool: 720 coded, 80 held out, ten times


def main(argv=None) -> pd.DataFrame | None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--codebook", type=Path, default=CODEBOOK)
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--prior", action="store_true", help="fit the offline prior on train and print it")
    parser.add_argument("--out", type=Path, default=Path("bench/results/calibration.md"))
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    data = load_sib(args.sib, args.codebook)
    if args.prior:
        fit_prior(data)
        return None
    rows, reliability, gaps = [], [], []
    rng = np.random.default_rng(0)
    X_pool, y_pool = np.vstack([data["X_train"], data["X_dev"]]), np.concatenate([data["y_train"], data["y_dev"]])

    def dev_split(k):
        chosen = _draw(data["y_train"], data["ids"], k, rng)
        return data["X_train"][chosen], data["y_train"][chosen], data["X_dev"], data["y_dev"]

    def pool_split(k):
        chosen = _draw(y_pool, data["ids"], k, rng)
        rest = np.setdiff1d(np.arange(len(y_pool)), chosen)
        return X_pool[chosen], y_pool[chosen], X_pool[rest], y_pool[rest]

    for evaluation, split, shots in (("dev", dev_split, SHOTS), ("pool", pool_split, SHOTS[:-1])):
        for k in shots:
            rows += _rows(evaluation, k, [_evaluate(data, *split(k)) for _ in range(args.draws if k in (5, 20) else 1)],
                          reliability, gaps)
    # All but a tenth coded, 800 answers held out in all: is dev's all-coded gap the coder or dev's 99?
    folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0).split(X_pool, y_pool)
    is_dev = np.arange(len(y_pool)) >= len(data["y_train"])
    rows += _pooled_rows([(_evaluate(data, X_pool[coded], y_pool[coded], X_pool[held], y_pool[held]), is_dev[held])
                          for coded, held in folds])
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Calibrated confidence on SIB-200 nob\n\n"
        f"Codebook `{args.codebook.name}`. `dev`: the 99 dev sentences are the answers, coded examples come from train; "
        "`pool`: the 800 train+dev sentences, k per category coded, the rest are the answers (its zero-shot row is not "
        "held out: the prior was fitted on train). `cv 800`: 10-fold cross-validation over the 800, each fold's 80 "
        "the answers and the other 720 coded (a threshold per fold), figures over all 800 held out together, and over "
        "the 99 dev and the 701 train sentences among them apart. "
        f"Mean over {args.draws} draws for 5 and 20. `before`: the coder before decision 020 (raw probabilities, classifier C=1 at full prototype weight), threshold 1.6/√7 = 0.60; "
        "`020`: calibrated confidence with the classifier joining at 20 coded per category (d58189a, before issue 19); "
        "`025`: the coder at 679fdf2 (the classifier joins at 3 per category; temperature by least log-loss); "
        "`temperature`: the same coder with the temperature at which the held-out codes' mean confidence is their accuracy "
        "alone (d7b1136); `after`: the coder as it is (that temperature, then the top confidence corrected by the margin of "
        "the nearest coded answer of the suggested category over one of another); all four with the threshold from the target precision 0.9 (the default). ECE over 10 bins; coverage = share "
        "of answers given a code; precision = accuracy among them; `ECE if calibrated`: the ECE a perfectly "
        "calibrated coder with the same confidences shows on as many answers (mean of 200 simulations), the noise floor. "
        "`coverage/precision at t`: with target precision t instead.\n\n"
        + table.to_markdown(index=False, floatfmt=".3f")
        + "\n\n## Reliability on dev (temperature and after; draws pooled)\n\n"
        + pd.DataFrame(reliability).to_markdown(index=False, floatfmt=".3f")
        + "\n\n## Held-out codes against the answers (mean over draws)\n\n"
        "The calibration fits the temperature on the coded answers' held-out predictions (5 folds, each fold's codes "
        "hidden as uncoded). Does that set speak for the answers? `held-out codes right` against `answers right`, "
        "and the mean calibrated confidence of each at 679fdf2 (`025`) and now (`after`); the temperature fitted and the one "
        "fitted the same way on the answers' own truth (the best one temperature can do, and the ECE at it); `fold models`: "
        "models fitted on a fifth fewer codes, as the folds are, scoring the same answers as the final model.\n\n"
        + pd.DataFrame(gaps).to_markdown(index=False, floatfmt=".3f") + "\n", encoding="utf-8")
    print(table.to_string(index=False))
    return table


def _rows(evaluation: str, k, results: list[dict], reliability: list[dict], gaps: list[dict]) -> list[dict]:
    """The mean of each figure over the draws, for each method; the reliability bins (temperature, after)
    appended to ``reliability`` (dev only: the pool's zero-shot prior saw its train part)."""
    rows = []
    for method in METHODS:
        figures = pd.DataFrame([r[method] for r in results]).mean()
        rows.append({"evaluation": evaluation, "coded per category": k, "confidence": method,
                     **figures.round(3).to_dict()})
    gaps.append({"evaluation": evaluation, "coded per category": k,
                 **pd.DataFrame([r["gap"] for r in results]).mean().round(3).to_dict()})
    if evaluation != "dev":
        return rows
    for method in ("temperature", "after"):
        confidence = np.concatenate([r[f"{method}_confidence"] for r in results])
        correct = np.concatenate([r[f"{method}_correct"] for r in results])
        which = np.minimum((confidence * BINS).astype(int), BINS - 1)
        for b in np.unique(which):
            inside = which == b
            reliability.append({"coded per category": k, "confidence": method,
                                "confidence bin": f"{b / BINS:.1f}–{(b + 1) / BINS:.1f}",
                                "answers": int(inside.sum()), "mean confidence": confidence[inside].mean(),
                                "accuracy": correct[inside].mean()})
    return rows


def _pooled_rows(results: list[tuple[dict, np.ndarray]]) -> list[dict]:
    """Figures over every fold's held-out answers together (each fold with its own threshold),
    and over those that are dev sentences and those that are train sentences apart."""
    rows = []
    for part, keep in (("cv 800", lambda dev: np.ones(len(dev), bool)), ("cv 800: dev sentences", lambda dev: dev),
                       ("cv 800: train sentences", lambda dev: ~dev)):
        for method in METHODS:
            chosen = [keep(dev) for _, dev in results]
            confidence = np.concatenate([r[f"{method}_confidence"][c] for (r, _), c in zip(results, chosen)])
            correct = np.concatenate([r[f"{method}_correct"][c] for (r, _), c in zip(results, chosen)])
            given = np.concatenate([r[f"{method}_confidence"][c] >= r[method]["threshold"] for (r, _), c in zip(results, chosen)])
            rows.append({"evaluation": part, "coded per category": "all but a tenth", "confidence": method,
                         "accuracy": round(correct.mean(), 3),
                         "ECE": round(expected_calibration_error(confidence, correct, BINS), 3),
                         "ECE if calibrated": round(_noise_floor(confidence), 3), "coverage": round(given.mean(), 3),
                         "precision": round(correct[given].mean(), 3) if given.any() else np.nan})
    return rows


def load_sib(sib: Path, codebook_path: Path) -> dict:
    """SIB-200 train and dev embedded with the default model, and the codebook's prototypes."""
    embedder, cache = get_embedder("e5-small"), EmbeddingCache()
    embed = lambda texts: embed_with_cache(embedder, list(texts), cache).vectors  # noqa: E731
    read = lambda split: pd.read_csv(sib / f"{split}.tsv", sep="\t", quoting=3)  # noqa: E731
    train, dev = read("train"), read("dev")
    to_id = lambda labels: labels.str.replace("/", "_").to_numpy(dtype=object)  # noqa: E731
    ids, prototypes = category_prototypes(load_codebook(codebook_path), embed)
    return {"X_train": embed(train["text"]), "y_train": to_id(train["category"]), "X_dev": embed(dev["text"]),
            "y_dev": to_id(dev["category"]), "ids": ids, "prototypes": prototypes}


def _draw(y, ids, k, rng) -> np.ndarray:
    if k == "all":
        return np.arange(len(y))
    if k == 0:
        return np.array([], dtype=int)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), k, replace=False) for c in ids])


def _evaluate(data: dict, X_coded, y_coded, X_dev, y_dev) -> dict:
    """Figures for one draw: the coder sees the coded examples and the answers (uncoded)."""
    ids = np.array(data["ids"])
    X_fit = np.vstack([X_coded, X_dev])
    y_fit = np.concatenate([y_coded, np.full(len(X_dev), "", dtype=object)])
    coder = CodebookCoder(data["prototypes"], list(ids)).fit(X_fit, y_fit)
    # The coder as it was: no calibration, the classifier at C=1 beside the prototypes at full weight.
    old = CodebookCoder(data["prototypes"], list(ids), classifier_C=1.0, prototype_weight=1.0,
                        calibration_folds=0, min_examples_for_classifier=20).fit(X_fit, y_fit)
    late = as_at_679fdf2(CodebookCoder(data["prototypes"], list(ids), min_examples_for_classifier=20).fit(X_fit, y_fit), X_fit, X_dev)
    main = as_at_679fdf2(copy.deepcopy(coder), X_fit, X_dev)  # the same fitted model, calibrated as then
    alone = temperature_alone(copy.deepcopy(coder), X_dev)
    out = {}
    for method, probabilities, threshold in (
        ("before", old._raw_probabilities(X_dev), min(1.0, OLD_THRESHOLD / np.sqrt(len(ids)))),
        ("020", late.predict_proba(X_dev), late.threshold_),
        ("025", main.predict_proba(X_dev), main.threshold_),
        ("temperature", alone.predict_proba(X_dev), alone.threshold_),
        ("after", coder.predict_proba(X_dev), coder.threshold_),
    ):
        confidence = probabilities.max(axis=1)
        correct = ids[probabilities.argmax(axis=1)] == y_dev
        given = confidence >= threshold
        out[method] = {"accuracy": correct.mean(), "ECE": expected_calibration_error(confidence, correct, BINS),
                       "ECE if calibrated": _noise_floor(confidence),
                       "threshold": threshold, "coverage": given.mean(),
                       "precision": correct[given].mean() if given.any() else np.nan}
        out[f"{method}_confidence"], out[f"{method}_correct"] = confidence, correct
    out["gap"] = _held_out_against_answers(coder, main, X_fit, y_fit, X_dev, y_dev)
    for method in ("020", "025", "temperature", "after"):
        uncoded = out[f"{method}_confidence"]  # the dev answers are the uncoded ones
        for target in TARGETS:
            given = uncoded >= precision_threshold(uncoded, target)
            out[method][f"coverage at {target}"] = given.mean()
            out[method][f"precision at {target}"] = out[f"{method}_correct"][given].mean() if given.any() else np.nan
    return out


# The offline prior as 679fdf2 fitted it, by least log-loss (fritekst/coding/_calibration.py then).
PRIOR_AT_679FDF2 = {"alone": 0.5111, "scale": 0.8748, "exponent": 0.1136}


def as_at_679fdf2(coder: CodebookCoder, X_fit: np.ndarray, X_uncoded: np.ndarray) -> CodebookCoder:
    """``coder`` (fitted on ``X_fit``) with the calibration of 679fdf2 put back: the temperature of
    least log-loss of "the top suggestion is right" on the same held-out codes, pulled toward that
    commit's prior as firmly, and the threshold for the target precision on ``X_uncoded`` from it."""
    n_pool = len(X_fit) if coder.pool_prototypes_ is not None else None
    prior = PRIOR_AT_679FDF2["alone"] if n_pool is None else round(
        PRIOR_AT_679FDF2["scale"] * (n_pool / 100) ** PRIOR_AT_679FDF2["exponent"], 4)
    probabilities, truth = coder.held_out_probabilities_, coder.held_out_truth_
    coder.temperature_ = prior
    coder.confidence_weights_ = np.zeros_like(coder.confidence_weights_)
    if len(truth):
        right = probabilities.argmax(axis=1) == truth

        def loss(log_t: float) -> float:
            confidence = np.clip(calibrate(probabilities, np.exp(log_t)).max(axis=1), 1e-12, 1 - 1e-12)
            return float(-np.where(right, np.log(confidence), np.log1p(-confidence)).sum()
                         + (log_t - np.log(prior)) ** 2 / (2 * PRIOR_SPREAD**2))

        best = minimize_scalar(loss, bounds=(-4.0, 4.0), method="bounded", options={"xatol": 1e-4})
        coder.temperature_ = round(float(np.exp(best.x)), 4)
    coder.threshold_ = precision_threshold(coder.predict_proba(X_uncoded).max(axis=1), coder.precision)
    return coder


def temperature_alone(coder: CodebookCoder, X_uncoded: np.ndarray) -> CodebookCoder:
    """``coder`` with its confidence from the temperature alone, as at d7b1136 (no correction by
    the nearest codes), and the threshold for the target precision on ``X_uncoded`` from it."""
    coder.confidence_weights_ = np.zeros_like(coder.confidence_weights_)
    coder.threshold_ = precision_threshold(coder.predict_proba(X_uncoded).max(axis=1), coder.precision)
    return coder


def _held_out_against_answers(coder: CodebookCoder, main: CodebookCoder, X_fit, y_fit, X_dev, y_dev) -> dict:
    """Where the calibration's held-out codes and the answers part: how often each is right and
    its mean confidence (now and at 679fdf2), and whether models fitted on a fifth fewer codes (as
    the calibration folds are) score the answers as the final model does."""
    ids = list(coder.category_ids)
    truth = np.array([ids.index(label) for label in y_dev])
    final = coder._raw_probabilities(X_dev)
    figures = {"answers right": (final.argmax(axis=1) == truth).mean(),
               "answers: mean confidence, 025": main.predict_proba(X_dev).max(axis=1).mean(),
               "answers: mean confidence, after": coder.predict_proba(X_dev).max(axis=1).mean(),
               "final model: mean raw confidence on the answers": final.max(axis=1).mean()}
    # The best one temperature could do: fitted (as the coder fits it, without a prior) on the answers' own truth.
    own = fit_temperature(final, truth, 1.0, spread=1e6)
    own_confidence = calibrate(final, own)
    figures["temperature: fitted"] = coder.temperature_
    figures["temperature: the answers' own"] = own
    figures["ECE at the answers' own"] = expected_calibration_error(own_confidence.max(axis=1),
                                                                     own_confidence.argmax(axis=1) == truth, BINS)
    if coder.n_calibration_:
        held_out, held_truth = coder.held_out_probabilities_, coder.held_out_truth_
        figures["held-out codes right"] = (held_out.argmax(axis=1) == held_truth).mean()
        for method, fitted in (("025", main), ("after", coder)):
            confidence = correct_confidence(calibrate(held_out, fitted.temperature_), coder.held_out_margins_,
                                            fitted.confidence_weights_)
            figures[f"held-out codes: mean confidence, {method}"] = confidence.max(axis=1).mean()
        coded = np.flatnonzero(y_fit != "")
        weight = dict(CLASSIFIER_CHOICES)[coder.classifier_C_] if coder.classifier_ is not None else None
        taught = coder.classifier_ is not None
        fold_right, fold_confidence = [], []
        labels = y_fit[coded].astype(str)
        stratify = np.unique(labels, return_counts=True)[1].min() >= coder.calibration_folds  # as the coder splits
        splitter = (StratifiedKFold if stratify else KFold)(coder.calibration_folds, shuffle=True,
                                                            random_state=coder.random_state)
        for _, hidden in splitter.split(coded, labels):
            codes = y_fit.copy()
            codes[coded[hidden]] = ""
            fold = copy.deepcopy(coder)._fit_scores(X_fit, codes, taught, coder.pool_prototypes_ is not None,
                                                     coder.classifier_C_, weight)
            raw = fold._raw_probabilities(X_dev)
            fold_right.append((raw.argmax(axis=1) == truth).mean())
            fold_confidence.append(raw.max(axis=1).mean())
        figures["fold models: answers right"] = np.mean(fold_right)
        figures["fold models: mean raw confidence on the answers"] = np.mean(fold_confidence)
    return figures


def _noise_floor(confidence: np.ndarray, simulations: int = 200) -> float:
    """The ECE a perfectly calibrated coder with these confidences would show on this many
    answers (right with probability equal to its confidence): on 99 answers it is far from 0."""
    rng = np.random.default_rng(0)
    return float(np.mean([expected_calibration_error(confidence, rng.random(len(confidence)) < confidence, BINS)
                          for _ in range(simulations)]))


def fit_prior(data: dict, draws: int = 8) -> None:
    """Print the offline prior: the temperature without the pool view, and with it by pool size."""
    ids, X, y = data["ids"], data["X_train"], data["y_train"]
    truth = np.array([ids.index(v) for v in y])
    alone = CodebookCoder(data["prototypes"], ids, min_pool=10**9, calibration_folds=0, prior_temperature=1.0).fit(X)
    print(f"PRIOR_TEMPERATURE_ALONE = {fit_temperature(alone._raw_probabilities(X), truth, 1.0, spread=1e6)}")
    rng = np.random.default_rng(0)
    sizes, temperatures = [], []
    for n in PRIOR_SIZES:
        raw, seen = [], []
        for _ in range(draws if n < len(y) else 1):
            chosen = rng.choice(len(y), n, replace=False)
            coder = CodebookCoder(data["prototypes"], ids, calibration_folds=0, prior_temperature=1.0).fit(X[chosen])
            raw.append(coder._raw_probabilities(X[chosen]))
            seen.append(truth[chosen])
        temperature = fit_temperature(np.vstack(raw), np.concatenate(seen), 1.0, spread=1e6)
        confidence = calibrate(np.vstack(raw), temperature)
        print(f"pool of {n}: temperature {temperature}, ECE at it "
              f"{expected_calibration_error(confidence.max(axis=1), confidence.argmax(axis=1) == np.concatenate(seen)):.3f}")
        sizes.append(n)
        temperatures.append(temperature)
    exponent, log_scale = np.polyfit(np.log(np.array(sizes) / 100), np.log(temperatures), 1)
    print(f"PRIOR_POOL_SCALE = {np.exp(log_scale):.4f}\nPRIOR_POOL_EXPONENT = {exponent:.4f}")


if __name__ == "__main__":
    main()
