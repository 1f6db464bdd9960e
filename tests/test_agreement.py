"""Agreement figures, checked by hand and against krippendorff / scikit-learn."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from fritekst.agreement import (
    agreement_summary,
    category_alpha,
    coding_matrix,
    disagreements,
    krippendorff_alpha,
    pairwise_kappa,
)

KARI = ["bolig", "bolig", "tolk", "nav", "nav", "tolk"]
OLA = ["bolig", "tolk", "tolk", "nav", "nav", "nav"]


def codings(**coders) -> pd.DataFrame:
    return pd.DataFrame(
        [{"segment": f"s{i}", "coder": coder, "code_id": code}
         for coder, codes in coders.items() for i, code in enumerate(codes) if code is not None]
    )


def test_two_coders_by_hand():
    table = codings(kari=KARI, ola=OLA)
    # Kappa: observed 4/6; expected (2·1 + 2·2 + 2·3) / 36 = 1/3; (2/3 − 1/3) / (1 − 1/3) = 0.5.
    pair = pairwise_kappa(table).iloc[0]
    assert (pair["n_segments"], pair["agreement"], pair["kappa"]) == (6, pytest.approx(4 / 6), pytest.approx(0.5))
    assert pair["kappa"] == pytest.approx(cohen_kappa_score(KARI, OLA))
    # Alpha: 12 pairable values (bolig 3, tolk 4, nav 5); 4 disagreeing ordered pairs, D_o = 4/12;
    # D_e = (144 − 9 − 16 − 25) / (12 · 11) = 94/132; alpha = 1 − (1/3) / (94/132) = 1 − 132/282.
    assert krippendorff_alpha(table) == pytest.approx(1 - 132 / 282)
    numbers = {"bolig": 0, "tolk": 1, "nav": 2}
    reference = krippendorff.alpha(reliability_data=[[numbers[c] for c in KARI], [numbers[c] for c in OLA]],
                                   level_of_measurement="nominal")
    assert krippendorff_alpha(table) == pytest.approx(reference)


def test_per_category_alpha_by_hand():
    per = category_alpha(codings(kari=KARI, ola=OLA)).set_index("code_id")
    # "tolk or not": ones 4, zeros 8 of 12; D_o = 4/12; D_e = (144 − 64 − 16) / 132 = 64/132.
    assert per.loc["tolk", "alpha"] == pytest.approx(1 - 132 / 192)
    assert per.loc["tolk", "n_codings"] == 4
    # bolig: kari s0 s1, ola s0: one disagreeing unit -> D_o = 2/12; ones 3: D_e = 54/132.
    assert per.loc["bolig", "alpha"] == pytest.approx(1 - (2 / 12) / (54 / 132))


def test_missing_codings_and_three_coders():
    table = codings(kari=KARI, ola=OLA, per=["bolig", None, "tolk", "nav", None, "nav"])
    matrix = coding_matrix(table)
    assert matrix.shape == (6, 3) and pd.isna(matrix.loc["s1", "per"])
    numbers = {"bolig": 0, "tolk": 1, "nav": 2}
    data = matrix.T.apply(lambda col: col.map(numbers)).to_numpy(dtype=float)
    assert krippendorff_alpha(table) == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    pairs = pairwise_kappa(table).set_index(["coder_a", "coder_b"])
    assert pairs.loc[("kari", "per"), "n_segments"] == 4
    assert list(disagreements(table)["segment"]) == ["s1", "s5"]


def test_the_latest_coding_of_a_coder_counts_and_the_model_is_compared_apart():
    table = pd.concat([codings(kari=["nav"] * 6), codings(kari=KARI, ola=OLA, model=OLA)])
    summary = agreement_summary(table)
    assert summary["alpha"] == pytest.approx(1 - 132 / 282)  # kari's later codings replaced her first
    assert set(summary["pairs"]["coder_a"]) | set(summary["pairs"]["coder_b"]) == {"kari", "ola"}
    model = summary["model_vs_coders"].set_index("coder_a")
    assert model.loc["kari", "kappa"] == pytest.approx(0.5)
    assert model.loc["model", "kappa"] == pytest.approx(1.0)  # the model agrees with ola everywhere


def test_no_shared_segments_gives_nan_not_an_error():
    table = pd.DataFrame({"segment": ["a", "b"], "coder": ["kari", "ola"], "code_id": ["bolig", "nav"]})
    assert np.isnan(krippendorff_alpha(table))
    assert pairwise_kappa(table).iloc[0]["n_segments"] == 0
