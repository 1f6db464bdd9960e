"""Confidence as the probability that a suggestion is right, and a threshold from a target precision.

The coder's raw probabilities change scale as it learns (a product of prototype and classifier
probabilities is sharper than either), so a fixed threshold on them left more answers for a coder
the more the coders had taught it. One temperature over the log-probabilities, fitted where the
truth is known, puts them back on the scale of "how often is the top suggestion right"; it keeps
the order of the categories, so the suggestion itself does not change.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize, minimize_scalar

# Fitted offline on SIB-200 nob train (701 sentences, the 7 topics as a codebook from their names
# alone, bench/data/sib200_codebook.yaml), zero-shot, as :func:`fit_temperature` fits the coders'
# codes (`python -m bench.calibration --prior`). The pool view sharpens with the number of answers it
# learns from, so with it the temperature grows with the pool: PRIOR_POOL_SCALE at 100 answers,
# times (n / 100) ** PRIOR_POOL_EXPONENT (fitted over random train subsets of 60 to 701).
# Used until the coders' own codes say otherwise.
PRIOR_TEMPERATURE_ALONE = 0.4687
PRIOR_POOL_SCALE = 0.8604
PRIOR_POOL_EXPONENT = 0.1185


def prior_temperature(n_pool: int | None) -> float:
    """The offline prior's temperature for a coder whose pool view learnt from ``n_pool``
    answers (None: no pool view)."""
    if n_pool is None:
        return PRIOR_TEMPERATURE_ALONE
    return round(PRIOR_POOL_SCALE * (n_pool / 100) ** PRIOR_POOL_EXPONENT, 4)


# How firmly the prior holds: a normal prior on log(temperature) with this spread. 1.0 lets a few
# dozen held-out codes that disagree with it win; on SIB-200 a spread of 0.3, 0.5 and 1.0 gave the
# same ECE within 0.005 at 5 and 20 coded per category (bench/calibration.py's draws), and under
# decision 020's log-loss 0.3 held a temperature near 0.5 against 300 codes that said far more
# (tests/test_coding.py).
PRIOR_SPREAD = 1.0


def log_probabilities(probabilities: np.ndarray) -> np.ndarray:
    return np.log(np.clip(np.asarray(probabilities, dtype=np.float64), 1e-300, None))


def calibrate(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``probabilities`` sharpened (temperature < 1) or softened (> 1); the ranking is unchanged."""
    scores = log_probabilities(probabilities) / temperature
    scores -= scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(probabilities: np.ndarray, truth: np.ndarray, prior: float,
                    spread: float = PRIOR_SPREAD) -> float:
    """The temperature at which the mean top confidence of ``probabilities`` is the share of them
    whose top category is ``truth`` (column indices), within that share's sampling error, pulled
    toward ``prior`` (a normal prior on its log with sd ``spread``); ``prior`` with no truth.

    Why the mean: the threshold for a target precision is where the mean confidence of the answers
    above it reaches the target (:func:`precision_threshold`), so the confidence must be right on
    average first of all. The least log-loss of "the top suggestion is right" (decision 020) is
    not: where the confidence ranks answers less well than its spread says, it softens them all,
    and on SIB-200 its held-out codes were right 0.766 of the time at mean confidence 0.735
    with 5 coded per category, 0.810 at 0.793 with all (decision 020, amended 2026-12-06).
    A mean, unlike the probability of the truth, is not pushed far by a few sure-and-wrong answers."""
    if len(truth) == 0:
        return float(prior)
    right = np.asarray(probabilities).argmax(axis=1) == np.asarray(truth)
    share = right.mean()
    smoothed = (right.sum() + 1) / (len(right) + 2)  # so that all right (or all wrong) has an error too
    variance = smoothed * (1 - smoothed) / len(right)

    def loss(log_t: float) -> float:
        confidence = calibrate(probabilities, np.exp(log_t)).max(axis=1).mean()
        return float((confidence - share) ** 2 / (2 * variance) + (log_t - np.log(prior)) ** 2 / (2 * spread**2))

    best = minimize_scalar(loss, bounds=(-4.0, 4.0), method="bounded", options={"xatol": 1e-4})
    return round(float(np.exp(best.x)), 4)


def precision_threshold(confidences: np.ndarray, precision: float) -> float:
    """The lowest confidence at which the answers at or above it are right ``precision`` of the
    time on average (their mean confidence), so as many as possible get a code at that precision.
    With no answers, or none sure enough: ``precision`` itself (each suggestion on its own)."""
    ordered = np.sort(np.asarray(confidences, dtype=float))[::-1]
    if len(ordered) == 0:
        return float(precision)
    running = np.cumsum(ordered) / np.arange(1, len(ordered) + 1)
    enough = np.flatnonzero(running >= precision)
    if len(enough) == 0:
        return float(min(1.0, precision))
    return float(ordered[enough[-1]])


def expected_calibration_error(confidences: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins, weighted by
    their share of answers (the reliability diagram's summary)."""
    confidences, correct = np.asarray(confidences, dtype=float), np.asarray(correct, dtype=float)
    which = np.minimum((confidences * bins).astype(int), bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(confidences[inside].mean() - correct[inside].mean())
    return float(error)


# The confidence also reads how near an answer lies to the coders' codes (decision 020, amended
# 2026-12-06 the second time). The temperature cannot see it: in 10-fold cross-validation over
# SIB-200's 800 sentences the dev sentences were right 0.859 at mean confidence 0.821 and the train
# sentences 0.813 at 0.819, and the dev sentences lie nearer to a coded answer of the suggested
# category than to one of another (0.021 against 0.013); a logistic regression on train sentences
# alone with that margin beside the confidence expected dev's 0.859 (0.858).
# The margin is read in steps of NEAREST_CODE_SCALE of cosine similarity. The correction's
# penalties (a normal prior on each weight, sd 1/sqrt(penalty)) hold it at the temperature's
# confidence until the held-out codes say more: a free slope on the confidence spread from 35 codes
# left fewer answers coded with 5 per category than zero-shot (0.51 of the pool against 0.61), so
# the slope is held firmly and the margin less so. Chosen among 1-100 (slope) and 1-30 (margin) on
# the pool (5 and 20 coded) and the 10-fold run's train sentences, never on dev.
NEAREST_CODE_SCALE = 0.05
CORRECTION_PENALTIES = np.array([1.0, 100.0, 30.0])  # the shift, the slope on the confidence, the margin


def nearest_code_margin(vectors: np.ndarray, suggested: np.ndarray, coded_vectors: np.ndarray,
                        coded_categories: np.ndarray, block: int = 4096) -> np.ndarray:
    """Cosine similarity of each answer (unit ``vectors``) to the nearest coded answer of its
    ``suggested`` category less that to the nearest coded answer of another category; 0 where
    either is missing (nothing to compare)."""
    margins = np.zeros(len(vectors))
    coded_categories = np.asarray(coded_categories)
    if len(coded_vectors) == 0 or len(np.unique(coded_categories)) < 2:
        return margins
    coded_vectors = np.asarray(coded_vectors, dtype=np.float64)
    for start in range(0, len(vectors), block):
        similarity = np.asarray(vectors[start:start + block], dtype=np.float64) @ coded_vectors.T
        same = coded_categories[None, :] == np.asarray(suggested[start:start + block])[:, None]
        nearest_same = np.where(same, similarity, -np.inf).max(axis=1)
        nearest_other = np.where(~same, similarity, -np.inf).max(axis=1)
        margins[start:start + block] = np.where(np.isfinite(nearest_same) & np.isfinite(nearest_other),
                                                nearest_same - nearest_other, 0.0)
    return margins


def _features(confidence: np.ndarray, margins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The temperature's confidence as log-odds (the offset) and the correction's features."""
    confidence = np.clip(confidence, 1e-9, 1 - 1e-9)
    odds = np.log(confidence) - np.log1p(-confidence)
    return odds, np.column_stack([np.ones_like(odds), odds, np.asarray(margins) / NEAREST_CODE_SCALE])


def fit_confidence_correction(confidence: np.ndarray, margins: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Weights of a logistic regression of "the top suggestion is right" on the held-out codes,
    over the temperature's ``confidence`` (as log-odds, the offset, so all-zero weights leave it
    as it is) with a shift, a change of its slope and the ``margins`` (:func:`nearest_code_margin`),
    each pulled toward 0 by :data:`CORRECTION_PENALTIES`. No codes: no correction."""
    if len(right) == 0:
        return np.zeros(len(CORRECTION_PENALTIES))
    odds, features = _features(confidence, margins)
    right = np.asarray(right, dtype=float)

    def loss(weights: np.ndarray) -> tuple[float, np.ndarray]:
        z = odds + features @ weights
        log_loss = np.logaddexp(0.0, z) - right * z
        gradient = features.T @ (1 / (1 + np.exp(-z)) - right) + CORRECTION_PENALTIES * weights
        return float(log_loss.sum() + 0.5 * (CORRECTION_PENALTIES * weights**2).sum()), gradient

    best = minimize(loss, np.zeros(len(CORRECTION_PENALTIES)), jac=True, method="L-BFGS-B")
    return np.round(best.x, 6)


def correct_confidence(probabilities: np.ndarray, margins: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Calibrated ``probabilities`` with the top one's confidence corrected by ``weights``
    (:func:`fit_confidence_correction`) and the others scaled to share the rest, never above it:
    the suggestion and the order of the categories do not change."""
    if not np.any(weights) or probabilities.shape[1] < 2:
        return probabilities
    rows = np.arange(len(probabilities))
    best = probabilities.argmax(axis=1)
    top = probabilities[rows, best]
    odds, features = _features(top, margins)
    corrected = 1 / (1 + np.exp(-(odds + features @ weights)))
    rest = 1 - top
    second = np.sort(probabilities, axis=1)[:, -2]
    # The top stays on top: a hair above the share the second best would take of what is left
    # (a tie would let the category first in the codebook take the suggestion).
    tie = np.divide(second, rest + second, out=np.zeros_like(second), where=rest + second > 0)
    corrected = np.maximum(corrected, np.minimum(tie * (1 + 1e-6), 1.0))
    scale = np.divide(1 - corrected, rest, out=np.zeros_like(rest), where=rest > 0)
    out = probabilities * scale[:, None]
    out[rows, best] = corrected
    return out
