"""Inter-coder agreement: Krippendorff's alpha, Cohen's kappa per pair and per category, and the
disagreements to adjudicate.

Input is one row per coding: ``segment`` (any hashable key), ``coder`` and ``code_id`` (a coder's
primary code for that segment). The model's suggestions are a coder named ``model``, so "model
vs coders" is the same table. Alpha comes from the ``krippendorff`` package and kappa from
scikit-learn, so the figures are the ones reviewers can recompute.

>>> table = pd.DataFrame({"segment": [1, 1, 2, 2], "coder": ["kari", "ola"] * 2,
...                       "code_id": ["bolig", "bolig", "tolk", "nav"]})
>>> round(krippendorff_alpha(table), 3)
0.4
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from fritekst.coders import MODEL_CODER as MODEL


def from_store(codings: pd.DataFrame) -> pd.DataFrame:
    """The store's codings (``segment_id``, ``coder``, ``code_id``, …) as this module's input.

    The store's own ``segment`` column is a sentence's number within its answer, not a key: using
    it would pool every answer's first sentence into one unit."""
    return codings[["segment_id", "coder", "code_id"]].rename(columns={"segment_id": "segment"})


def coding_matrix(codings: pd.DataFrame) -> pd.DataFrame:
    """Segments × coders, the code in each cell, NaN where a coder did not code a segment.

    Segments are the rows: a frame with a column per segment took seconds to build and read at
    10 000 coded answers, and the Oversikt page computes alpha on every first draw."""
    latest = codings.drop_duplicates(["segment", "coder"], keep="last")
    return latest.pivot(index="segment", columns="coder", values="code_id").sort_index(axis=1)


def krippendorff_alpha(codings: pd.DataFrame) -> float:
    """Nominal alpha over every segment two or more coders coded (NaN when there is none)."""
    return _alpha(coding_matrix(codings))


def _alpha(matrix: pd.DataFrame) -> float:
    import krippendorff

    paired = matrix[matrix.notna().sum(axis=1) >= 2]
    if paired.empty:
        return float("nan")
    cells = paired.to_numpy(dtype=object)
    numbers, values = pd.factorize(cells.ravel(), sort=True)  # a missing cell gets -1
    if len(values) < 2:
        return 1.0
    data = np.where(numbers < 0, np.nan, numbers).reshape(cells.shape).T.astype(float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                    value_domain=np.arange(len(values), dtype=float)))


def pairwise_kappa(codings: pd.DataFrame) -> pd.DataFrame:
    """Cohen's kappa and raw agreement for every pair of coders on the segments both coded."""
    from sklearn.metrics import cohen_kappa_score

    matrix = coding_matrix(codings)
    rows = []
    for a, b in combinations(matrix.columns, 2):
        both = matrix[[a, b]].dropna()
        codes_a, codes_b = both[a].to_numpy(), both[b].to_numpy()
        n = len(codes_a)
        agree = float(np.mean(codes_a == codes_b)) if n else float("nan")
        kappa = float(cohen_kappa_score(codes_a, codes_b)) if n and len(set(codes_a) | set(codes_b)) > 1 else (
            1.0 if n else float("nan"))
        rows.append({"coder_a": a, "coder_b": b, "n_segments": n, "agreement": agree, "kappa": kappa})
    return pd.DataFrame(rows, columns=["coder_a", "coder_b", "n_segments", "agreement", "kappa"])


def category_alpha(codings: pd.DataFrame) -> pd.DataFrame:
    """Per category, alpha of "this category or not": which categories coders read alike."""
    matrix = coding_matrix(codings)
    cells = matrix.to_numpy(dtype=object)
    missing = pd.isna(cells)
    codes = sorted({c for c in cells[~missing]})
    rows = []
    for code in codes:
        binary = pd.DataFrame(np.where(missing, None, np.where(cells == code, "ja", "nei")))
        rows.append({"code_id": code, "n_codings": int((cells == code).sum()), "alpha": _alpha(binary)})
    return pd.DataFrame(rows, columns=["code_id", "n_codings", "alpha"])


def disagreements(codings: pd.DataFrame) -> pd.DataFrame:
    """Segments that two or more coders coded differently, one column per coder, for adjudication."""
    matrix = coding_matrix(codings)
    return matrix[matrix.nunique(axis=1) > 1].rename_axis("segment").reset_index()


def agreement_summary(codings: pd.DataFrame) -> dict:
    """The figures the Enighet page shows: coders among themselves, and the model against them."""
    people = codings[codings["coder"] != MODEL]
    model_pairs = pairwise_kappa(codings)
    model_pairs = model_pairs[(model_pairs["coder_a"] == MODEL) | (model_pairs["coder_b"] == MODEL)]
    return {
        "alpha": krippendorff_alpha(people),
        "pairs": pairwise_kappa(people),
        "categories": category_alpha(people),
        "disagreements": disagreements(people),
        "model_vs_coders": model_pairs.reset_index(drop=True),
    }
