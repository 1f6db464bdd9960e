"""The keywords bar counts the answers tagged (issue 18: at 100 000 answers tagging takes minutes,
and a bar that stays at 0 of 1 until it ends shows no time remaining)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fritekst import nlp
from fritekst.run import run_survey
from fritekst.settings import build_run_config

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kommuneundersokelsen_fiktiv.xlsx"


def _run(tmp_path: Path):
    table = pd.read_excel(EXAMPLE, dtype=str, header=0).iloc[1:]
    survey = tmp_path / "undersokelse.csv"
    table[["respondent_id", "q17_barrierer"]].to_csv(survey, index=False)
    config = build_run_config(text=["q17_barrierer"], id="respondent_id", embedder="tfidf", seed=1)
    calls: list[tuple[str, int, int]] = []
    result = run_survey(survey, config, on_progress=lambda stage, done, total: calls.append((stage, done, total)))
    return result, [(done, total) for stage, done, total in calls if stage == "q17_barrierer: keywords"]


def test_keywords_bar_moves_a_chunk_at_a_time_and_tags_the_same(tmp_path, monkeypatch):
    nlp._LAST_TAGGED.clear()  # the texts are tagged here, not read from an earlier test's
    whole, whole_calls = _run(tmp_path)
    nlp._LAST_TAGGED.clear()
    monkeypatch.setattr(nlp, "_CHUNK", 40)
    chunked, calls = _run(tmp_path)

    total = calls[0][1]
    assert total > 120 and {t for _, t in calls} == {total}
    done = [d for d, _ in calls]
    assert done[0] == 0 and done[-1] == total
    assert done == sorted(done) and len(set(done)) >= 4  # 0, 40, 80, 120, … total: not just 0 and the end
    assert len(set(d for d, _ in whole_calls)) < len(set(done))
    pd.testing.assert_frame_equal(chunked.assignments, whole.assignments)
    pd.testing.assert_frame_equal(chunked.themes, whole.themes)
