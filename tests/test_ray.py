"""`fritekst run --ray`: the embedding on a real local Ray cluster gives the same files as a run on
this machine (issue 18), and a machine without Ray is told in one line how to get it."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fritekst.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"


def _survey(tmp_path: Path) -> Path:
    """One question of the example survey, 120 respondents: enough for several themes."""
    table = pd.read_excel(EXAMPLE, dtype=str, header=0).iloc[1:121]
    path = tmp_path / "bistand.csv"
    table[["respondent_id", "q12_bistand"]].to_csv(path, index=False)
    return path


def _run(survey: Path, out: Path, cache: Path, *extra: str):
    result = CliRunner().invoke(app, ["run", str(survey), "--text", "q12_bistand", "--id", "respondent_id",
                                      "--seed", "3", "--out", str(out), "--cache", str(cache), *extra])
    assert result.exit_code == 0, result.output
    return result


def _cached(cache: Path) -> dict[str, bytes]:
    with sqlite3.connect(cache) as db:
        return dict(db.execute("SELECT text_sha256, vector FROM embedding"))


@pytest.mark.slow  # starts a Ray cluster and embeds the answers twice (here and on Ray) with the real model
def test_a_run_embedded_on_a_ray_cluster_writes_the_same_files_as_a_local_run(tmp_path):
    survey = _survey(tmp_path)
    _run(survey, tmp_path / "local", tmp_path / "local.sqlite")
    # "local": a new Ray cluster of this machine's cores (one embedding actor per core), started and stopped by the run
    _run(survey, tmp_path / "ray", tmp_path / "ray.sqlite", "--ray", "local")

    for name in ("assignments.csv", "themes.csv"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert len(pd.read_csv(tmp_path / "ray" / "themes.csv")) > 1
    manifest = (tmp_path / "ray" / "manifest.json").read_text(encoding="utf-8")
    assert '"from_cache": 0' in manifest  # the cluster embedded every text, none came from a cache
    # the cluster's vectors went into the run's cache, the same bytes a local run keeps
    local, on_ray = _cached(tmp_path / "local.sqlite"), _cached(tmp_path / "ray.sqlite")
    assert len(on_ray) > 80 and on_ray == local
    # each answer once, its text view and content view in one row from one pass (decision 026)
    assert {len(vector) for vector in on_ray.values()} == {768 * 4}


def test_without_ray_the_flag_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as on a machine without the extra: `import ray` fails
    result = CliRunner().invoke(app, ["run", str(_survey(tmp_path)), "--text", "q12_bistand", "--out",
                                      str(tmp_path / "out"), "--cache", str(tmp_path / "c.sqlite"), "--ray", "auto"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: column '--ray': Ray is not installed: pip install 'fritekst[ray]'"
    ]
    assert not (tmp_path / "out").exists()


def test_ray_refuses_an_embedder_fitted_on_all_answers(tmp_path):
    pytest.importorskip("ray")
    result = CliRunner().invoke(app, ["run", str(_survey(tmp_path)), "--text", "q12_bistand", "--embedder", "tfidf",
                                      "--out", str(tmp_path / "out"), "--ray", "auto"])
    assert result.exit_code == 2
    assert "--ray cannot run 'tfidf'" in result.output


def test_an_address_where_no_cluster_listens_is_refused_before_the_run(tmp_path):
    pytest.importorskip("ray")
    result = CliRunner().invoke(app, ["run", str(_survey(tmp_path)), "--text", "q12_bistand", "--out",
                                      str(tmp_path / "out"), "--cache", str(tmp_path / "c.sqlite"), "--ray", "127.0.0.1:1"])
    assert result.exit_code == 2
    assert "cannot reach a Ray cluster at '127.0.0.1:1'" in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "c.sqlite").exists()
