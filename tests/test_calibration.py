"""The calibration temperature: fitted so the held-out codes' mean confidence is their accuracy."""

from __future__ import annotations

import numpy as np

from fritekst.coding._calibration import calibrate, fit_temperature, precision_threshold


def poorly_ranked(n: int, seed: int):
    """Top probabilities spread over 0.4–0.99 while four in five are right whatever the confidence:
    a confidence that ranks answers less well than its spread says (as the coder's did on SIB-200
    dev with 5 codes per category: 0.72 right at confidence 0.36, 0.86 at 0.95)."""
    rng = np.random.default_rng(seed)
    top = rng.uniform(0.4, 0.99, n)
    probabilities = np.column_stack([top, (1 - top) * 0.6, (1 - top) * 0.4])
    right = rng.random(n) < 0.8
    return probabilities, np.where(right, 0, 1)


def test_the_held_out_codes_mean_confidence_is_their_accuracy():
    # The least log-loss of "the top is right" (decision 020) softened these to mean confidence 0.71
    # at accuracy 0.81: the threshold for a target precision then left answers uncoded that it
    # could have coded at that precision.
    probabilities, truth = poorly_ranked(300, seed=0)
    temperature = fit_temperature(probabilities, truth, prior=1.0)
    confidence = calibrate(probabilities, temperature).max(axis=1)
    accuracy = (probabilities.argmax(axis=1) == truth).mean()
    assert abs(confidence.mean() - accuracy) < 0.01, (confidence.mean(), accuracy)
    # On new answers like them the codes given at target precision 0.8 are right about that often.
    new, new_truth = poorly_ranked(5000, seed=1)
    calibrated = calibrate(new, temperature)
    given = calibrated.max(axis=1) >= precision_threshold(calibrated.max(axis=1), 0.8)
    assert given.mean() > 0.95 and abs((new.argmax(axis=1) == new_truth)[given].mean() - 0.8) < 0.03


def test_few_codes_move_the_temperature_less_than_many_from_the_prior():
    # Seven held-out codes, all right, say little: the prior holds more than against 300.
    probabilities, truth = poorly_ranked(300, seed=2)
    few = fit_temperature(probabilities[:7], probabilities[:7].argmax(axis=1), prior=1.0)
    many = fit_temperature(probabilities, probabilities.argmax(axis=1), prior=1.0)
    assert many < few < 1.0
    assert fit_temperature(probabilities[:0], truth[:0], prior=0.7) == 0.7  # nothing coded: the prior
