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
    """Coders × segments, the code in each cell, NaN where a coder did not code a segment."""
    latest = codings.drop_duplicates(["segment", "coder"], keep="last")
    return latest.pivot(index="coder", columns="segment", values="code_id").sort_index()


def krippendorff_alpha(codings: pd.DataFrame) -> float:
    """Nominal alpha over every segment two or more coders coded (NaN when there is none)."""
    return _alpha(coding_matrix(codings))


def _alpha(matrix: pd.DataFrame) -> float:
    import krippendorff

    paired = matrix.loc[:, matrix.notna().sum(axis=0) >= 2]
    values = pd.unique(paired.to_numpy().ravel())
    values = [v for v in values if isinstance(v, str)]
    if paired.shape[1] == 0 or len(values) < 2:
        return float("nan") if paired.shape[1] == 0 else 1.0
    numbers = {value: float(i) for i, value in enumerate(sorted(values))}
    data = paired.apply(lambda column: column.map(numbers)).to_numpy(dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def pairwise_kappa(codings: pd.DataFrame) -> pd.DataFrame:
    """Cohen's kappa and raw agreement for every pair of coders on the segments both coded."""
    from sklearn.metrics import cohen_kappa_score

    matrix = coding_matrix(codings)
    rows = []
    for a, b in combinations(matrix.index, 2):
        both = matrix.loc[[a, b]].dropna(axis=1)
        codes_a, codes_b = both.loc[a].to_numpy(), both.loc[b].to_numpy()
        n = len(codes_a)
        agree = float(np.mean(codes_a == codes_b)) if n else float("nan")
        kappa = float(cohen_kappa_score(codes_a, codes_b)) if n and len(set(codes_a) | set(codes_b)) > 1 else (
            1.0 if n else float("nan"))
        rows.append({"coder_a": a, "coder_b": b, "n_segments": n, "agreement": agree, "kappa": kappa})
    return pd.DataFrame(rows, columns=["coder_a", "coder_b", "n_segments", "agreement", "kappa"])


def category_alpha(codings: pd.DataFrame) -> pd.DataFrame:
    """Per category, alpha of "this category or not": which categories coders read alike."""
    matrix = coding_matrix(codings)
    codes = sorted({c for c in matrix.to_numpy().ravel() if isinstance(c, str)})
    rows = []
    for code in codes:
        binary = matrix.apply(lambda column, c=code: column.map(lambda v: v if not isinstance(v, str) else (
            "ja" if v == c else "nei")))
        used = int((matrix == code).to_numpy().sum())
        rows.append({"code_id": code, "n_codings": used, "alpha": _alpha(binary)})
    return pd.DataFrame(rows, columns=["code_id", "n_codings", "alpha"])


def disagreements(codings: pd.DataFrame) -> pd.DataFrame:
    """Segments that two or more coders coded differently, one column per coder, for adjudication."""
    matrix = coding_matrix(codings)
    distinct = matrix.apply(lambda column: column.dropna().nunique())
    return matrix.loc[:, distinct > 1].T.rename_axis("segment").reset_index()


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
