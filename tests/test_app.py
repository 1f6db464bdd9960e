"""The Streamlit themes page, driven with streamlit.testing on a real run of the example survey."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from fritekst.results import load_run, question_summary, theme_members

pytestmark = pytest.mark.slow  # starts Streamlit servers and runs the example survey with the real model

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_run(cache_file, tmp_path_factory):
    from typer.testing import CliRunner

    from fritekst.cli import app

    out = tmp_path_factory.mktemp("app") / "run"
    result = CliRunner().invoke(app, ["run", str(ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"), "--config",
                                      str(ROOT / "examples" / "demo.yaml"), "--out", str(out), "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    return out


def test_load_run_reads_the_contract_back(demo_run):
    run = load_run(demo_run)
    assert run.assignments["id"].str.len().min() >= 4  # ids stay text
    summary = question_summary(run, "q12_bistand")
    assert summary["answered"] + summary["non_answers"] + summary["blank"] == run.assignments.query(
        "question == 'q12_bistand'")["id"].nunique()
    members = theme_members(run, "q12_bistand", 0)
    assert members["representative"].iloc[0] and (members["theme_id"] == 0).all()


def _script(run_dir: str) -> None:
    # AppTest runs this function's source as a script: imports go inside.
    from fritekst.app.streamlit_main import run_from_argv

    run_from_argv(["app", run_dir])


def page(run_dir):
    return AppTest.from_function(_script, args=(str(run_dir),), default_timeout=60)


def test_page_shows_counts_themes_and_quotes_in_norwegian(demo_run):
    run = load_run(demo_run)
    at = page(demo_run).run()
    assert not at.exception
    assert at.title[0].value == "fritekst – temaer i åpne svar"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Besvart"] == str(question_summary(run, "q12_bistand")["answered"])
    assert len(at.dataframe[0].value) == question_summary(run, "q12_bistand")["themes"]
    assert any(m.value.startswith("Hva slags bistand") for m in at.text)  # Questback row 2
    quotes = [m.value for m in at.text if not m.value.startswith(("—", "Hva slags"))]
    assert 1 <= len(quotes) <= 3


def test_choosing_a_question_theme_role_and_search_filters_the_answers(demo_run):
    at = page(demo_run).run()
    at.selectbox(key="question").select("q17_barrierer").run()
    at.selectbox(key="theme").select(1).run()
    shown = at.dataframe[1].value
    assert len(shown) > 0
    at.selectbox(key="role").select("Integreringsansvarlig").run()
    assert set(at.dataframe[1].value["Rolle"]) == {"Integreringsansvarlig"}
    word = at.dataframe[1].value["Svar"].iloc[0].split()[0]
    at.text_input(key="search").input(word).run()
    assert all(word.lower() in text.lower() for text in at.dataframe[1].value["Svar"])


def test_english_interface(demo_run):
    at = page(demo_run).run()
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "fritekst – themes in open answers"
    assert "Answered" in {m.label for m in at.metric}


def test_no_run_explains_how_to_make_one(tmp_path):
    at = page(tmp_path / "nothing").run()
    assert not at.exception
    assert "fritekst run" in at.info[0].value


def test_sentence_mode_representatives_are_distinct_respondents(cache_file, tmp_path):
    from typer.testing import CliRunner

    from fritekst.cli import app

    out = tmp_path / "seg"
    result = CliRunner().invoke(app, ["run", str(ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"), "--config",
                                      str(ROOT / "examples" / "demo.yaml"), "--segment", "sentence", "--out", str(out),
                                      "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    run = load_run(out)
    for _, theme in run.themes.iterrows():
        ids = theme["representative_ids"].split(";")
        assert len(ids) == len(set(ids))
        members = theme_members(run, theme["question"], theme["theme_id"])
        assert members["representative"].sum() == len(ids)


def test_a_damaged_run_is_named_on_the_page(demo_run, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(demo_run, broken)
    (broken / "manifest.json").write_text("{not json")
    at = page(broken).run()
    assert not at.exception
    assert "manifest.json is damaged" in at.caption[0].value


def test_numeric_question_names_survive_the_round_trip(cache_file, tmp_path):
    import pandas as pd
    from typer.testing import CliRunner

    from fritekst.cli import app

    survey = tmp_path / "tall.csv"
    pd.DataFrame({"id": range(1, 31), "2021": [f"Svar nummer {i} om boliger og jobb" if i % 2 else f"Tolk og språk {i}"
                                              for i in range(30)]}).to_csv(survey, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(survey), "--text", "2021", "--id", "id", "--out", str(out),
                                      "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    run = load_run(out)
    assert question_summary(run, "2021")["answered"] == 30
    assert len(theme_members(run, "2021", 0)) > 0


def _port_answers(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def test_fritekst_app_serves_the_page_on_localhost_and_stops_on_sigterm(demo_run):
    """SIGTERM to `fritekst app` stops the server too (it used to be left running, reparented)."""
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "fritekst.cli", "app", str(demo_run), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "STREAMLIT_SERVER_HEADLESS": "true"},
    )
    try:
        deadline = time.monotonic() + 60
        while not _port_answers(port):
            assert server.poll() is None, "the app exited"
            assert time.monotonic() < deadline, "the app did not come up in 60 s"
            time.sleep(0.5)
        server.terminate()
        server.wait(timeout=20)
        deadline = time.monotonic() + 10
        while _port_answers(port) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _port_answers(port), "the Streamlit server kept serving after SIGTERM"
    finally:
        if server.poll() is None:
            server.kill()


def test_fritekst_app_refuses_a_directory_without_a_run(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "fritekst.cli", "app", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 2 and "not a fritekst run directory" in done.stderr
