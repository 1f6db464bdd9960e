"""Confidence as the probability that a suggestion is right, and a threshold from a target precision.

The coder's raw probabilities change scale as it learns (a product of prototype and classifier
probabilities is sharper than either), so a fixed threshold on them left more answers for a coder
the more the coders had taught it. One temperature over the log-probabilities, fitted where the
truth is known, puts them back on the scale of "how often is the top suggestion right"; it keeps
the order of the categories, so the suggestion itself does not change.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

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
