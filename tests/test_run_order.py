"""The same answers give the same themes whatever order the rows come in (issue 14: a shuffled
export gave 5 themes in file order and 7 shuffled)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fritekst.run import run_survey
from fritekst.settings import build_run_config

pytestmark = pytest.mark.slow  # runs the example survey twice

ROOT = Path(__file__).resolve().parents[1]


def test_shuffled_rows_give_the_same_themes_and_assignments(tmp_path):
    table = pd.read_excel(ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx", dtype=str, header=0)
    header, rows = table.iloc[:1], table.iloc[1:]  # the Questback row of question texts stays on top
    in_order, shuffled = tmp_path / "i_rekkefolge.csv", tmp_path / "stokket.csv"
    pd.concat([header, rows]).to_csv(in_order, index=False)
    pd.concat([header, rows.sample(frac=1, random_state=7)]).to_csv(shuffled, index=False)
    config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", embedder="tfidf")
    first, second = run_survey(in_order, config), run_survey(shuffled, config)
    pd.testing.assert_frame_equal(first.themes, second.themes)
    key = ["question", "id", "segment"]
    columns = ["question", "id", "segment", "text", "theme_id", "outlier"]
    pd.testing.assert_frame_equal(first.assignments[columns].sort_values(key).reset_index(drop=True),
                                  second.assignments[columns].sort_values(key).reset_index(drop=True))
