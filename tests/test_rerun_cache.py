"""A re-run reads each answer's lemmas, each question's partition and each broad theme's sub-theme
split from the embedding cache (issue 18: a warm re-run of 1 000 answers took 11-18 s, most of it
loading the spaCy pipeline, tagging, UMAP with k-means and the sub-themes' bootstrap k-means) and
writes the same files as the first run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import pandas as pd

from fritekst.embed import EmbeddingCache
from fritekst.nynorsk import machine_texts
from fritekst.run import run_and_save
from fritekst.settings import build_run_config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"


def _survey(tmp_path: Path) -> Path:
    table = pd.read_excel(EXAMPLE, dtype=str, header=0).iloc[1:]
    path = tmp_path / "undersokelse.csv"
    table[["respondent_id", "q12_bistand", "q17_barrierer"]].to_csv(path, index=False)
    return path


def _run(survey: Path, out: Path, cache_file: Path):
    config = build_run_config(text=["q12_bistand", "q17_barrierer"], id="respondent_id", embedder="tfidf", seed=2)
    cache = EmbeddingCache(cache_file)
    try:
        return run_and_save(survey, config, out=out, cache=cache)[0]
    finally:
        cache.close()


def _files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("assignments.csv", "themes.csv")}


@pytest.mark.slow  # runs a survey five times
def test_a_rerun_reads_lemmas_partitions_and_splits_from_the_cache_and_writes_the_same_files(tmp_path):
    survey, cache = _survey(tmp_path), tmp_path / "embeddings.sqlite"
    first = _run(survey, tmp_path / "first", cache)
    answered = first.assignments[~first.assignments["non_answer"]]
    with sqlite3.connect(cache) as db:
        tagged = db.execute("SELECT count(*) FROM lemmas").fetchone()[0]
    # Each answer as written (labels) and as the machine read it (keywords): a Nynorsk one twice.
    opened = EmbeddingCache(cache)
    read = machine_texts(answered["text"], answered["language"], opened)
    opened.close()
    assert tagged == len(set(answered["text"]) | set(read)) > answered["text"].nunique()
    broad = first.themes.groupby("question")["parent_theme"].nunique()
    with sqlite3.connect(cache) as db:
        fits = {key: len(labels) // 8 for key, labels in db.execute("SELECT key, labels FROM partition")}
    # One partition per question, one split per broad theme; a question's has all its answers.
    questions = {key for key, size in fits.items() if size in set(answered.groupby("question").size())}
    assert len(questions) == 2 and len(fits) == 2 + broad.sum()

    _run(survey, tmp_path / "again", cache)
    assert _files(tmp_path / "again") == _files(tmp_path / "first")
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM partition").fetchone()[0] == len(fits)

    # What the cache holds is what the re-run uses: splits of every broad theme into its last answer
    # and the rest (a split no fit makes, and one whose parts have words of their own, so the rule
    # of decision 023 keeps it), then partitions that make one theme, and every answer's lemmas one
    # made-up word, show in the next runs' themes.
    def keep(keys, labels):
        with sqlite3.connect(cache) as db:
            for key in keys:
                db.execute("UPDATE partition SET labels = ? WHERE key = ?", (labels(fits[key]).tobytes(), key))

    assert not (first.themes["n_segments"] == 1).any()
    keep(set(fits) - questions, lambda size: (np.arange(size) == size - 1).astype(np.int64))
    planted = _run(survey, tmp_path / "planted", cache).themes
    assert planted.groupby("question")["parent_theme"].nunique().to_dict() == broad.to_dict()
    children = planted.groupby(["question", "parent_theme"])["n_segments"].agg(["size", "min"])
    split = children[children["size"] > 1]
    assert len(split) >= 2 and set(split["size"]) == {2} and set(split["min"]) == {1}
    keep(questions, lambda size: np.zeros(size, dtype=np.int64))
    one_theme = _run(survey, tmp_path / "one", cache)
    assert one_theme.themes.groupby("question")["parent_theme"].nunique().to_dict() == {"q12_bistand": 1, "q17_barrierer": 1}
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE lemmas SET pairs = ?", (json.dumps([["Kvitfjellet", "kvitfjell", "NOUN"]]),))
    made_up = _run(survey, tmp_path / "made-up", cache)
    assert set(made_up.themes["label"]) == {"Kvitfjell"}
