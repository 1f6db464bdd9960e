"""One full path through the coder workspace in a real headless Chromium: open the project,
accept a theme's category, code three answers, and see the counts change. Screenshots of all
five pages go to ``$FRITEKST_SCREENSHOTS`` (default: the test's temporary folder)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser import CHROMIUM, NO_CHROMIUM, launch, settle
from fritekst.store import open_store

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM),
    pytest.mark.slow,  # drives a real browser
]


# What Streamlit writes by itself in English, which a Norwegian page must not show.
STREAMLIT_ENGLISH = ("Choose an option", "Upload", "per file", "Select all", "Drag and drop", "No results")


@pytest.fixture(scope="module")
def project(example_project_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "fritekst.db"
    shutil.copy(example_project_template, path)
    return path


def start_server(project) -> tuple[str, subprocess.Popen]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app_streamlit.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--", str(project)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "FRITEKST_USER": "kari"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return url, process
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.time() < deadline, "Streamlit did not start"
            time.sleep(0.5)


@pytest.fixture(scope="module")
def server(project):
    url, process = start_server(project)
    yield url
    process.kill()
    process.wait(timeout=30)


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("FRITEKST_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_workspace(playwright, url, question="q17_barrierer"):
    from playwright.sync_api import expect

    browser = launch(playwright)
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.set_default_timeout(60_000)
    page.goto(url)
    expect(page.get_by_text("fritekst – kodeverksted")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Koder: kari")).to_be_visible()  # the machine's user, nothing typed
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option").filter(has_text=question).click()
    expect(sidebar.get_by_role("combobox", name="Spørsmål")).to_have_value(re.compile(f"^{question}"))
    return browser, page, sidebar


def go(page, sidebar, name: str, last: str) -> None:
    """Open a page and wait until its last element (text ``last``) is drawn and the script is done."""
    from playwright.sync_api import expect

    sidebar.get_by_text(name, exact=True).click()
    settle(page, last)
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    shown = page.get_by_test_id("stMain").inner_text()
    leftovers = [words for words in STREAMLIT_ENGLISH if words in shown]
    assert not leftovers, f"Streamlit's own English on {name}: {leftovers}"


def test_code_twenty_answers_by_keyboard_undo_one_and_settle_a_disagreement(server, project, shots):
    """Accept a theme with a chosen category, then code 20 answers with the keyboard alone
    (Alt+1 / Alt+2 quick codes, Alt+Q quote candidate), undo the last with Alt+Z, settle the
    second of two disagreements with a colleague, and find exactly those changes in the store."""
    from playwright.sync_api import expect, sync_playwright

    with open_store(project) as store:
        before = store.current_codings(coder="kari")
    with sync_playwright() as playwright:
        browser, page, sidebar = open_workspace(playwright, server)
        go(page, sidebar, "Oversikt", "Andel kodet: svar")
        page.screenshot(path=str(shots / "1-oversikt.png"), full_page=True)
        coded_before = page.get_by_test_id("stMetricValue").nth(2).inner_text()

        go(page, sidebar, "Temaer", "Kategori for hele temaet")
        page.screenshot(path=str(shots / "2-temaer.png"), full_page=True)
        page.get_by_test_id("stSelectbox").filter(has_text="Kategori for hele temaet").locator("input").click()
        page.keyboard.type("Mangel på")  # a coder types to find a category among thirty
        page.get_by_role("option", name="Mangel på boliger").click()
        accept = page.get_by_role("button", name="Kod alle")
        accepted = int(accept.inner_text().split()[2])
        accept.click()
        expect(page.get_by_text("svar kodet som")).to_be_visible()

        go(page, sidebar, "Koding", "Lagre og neste")
        position = page.get_by_role("spinbutton", name="Svar nr.")
        start = int(position.input_value())
        chosen = []
        for step in range(20):
            settle(page, "Lagre og neste")
            number = 1 if step % 2 == 0 else 2
            label = page.locator("[class*='st-key-quick_'] button").nth(number - 1).inner_text()
            chosen.append(label.split(" · ", 1)[1])
            if step == 4:
                page.keyboard.press("Alt+KeyQ")
                expect(page.get_by_role("checkbox", name="Sitatkandidat")).to_be_checked()
            page.keyboard.press(f"Alt+Digit{number}")
            expect(position).to_have_value(str(start + step + 1))
        settle(page, "Lagre og neste")
        page.screenshot(path=str(shots / "3-koding.png"), full_page=True)
        page.keyboard.press("Alt+KeyZ")
        expect(page.get_by_text("Angret: 1 svar")).to_be_visible()

        go(page, sidebar, "Kodebok", "Importer kodebok")
        page.screenshot(path=str(shots / "4-kodebok.png"), full_page=True)
        with open_store(project) as store:  # a colleague codes six of the same answers, disagreeing twice
            mine = store.current_codings(question="q17_barrierer", coder="kari").tail(6)
            for i, (segment, code) in enumerate(zip(mine["segment_id"], mine["code_id"])):
                store.add_coding(int(segment), code if i % 3 else "annet", "ola", 1)
            disputed = int(mine["segment_id"].iloc[3])  # the second disagreement, not the first
        go(page, sidebar, "Enighet", "Modellen mot koderne")
        page.get_by_test_id("stSelectbox").filter(has_text="Uenighet å avgjøre").locator("input").click()
        page.keyboard.type(f"#{disputed} ")
        page.get_by_role("option").filter(has_text=f"#{disputed} ").click()
        settle(page, "Endelig kode")
        page.get_by_test_id("stSelectbox").filter(has_text="Endelig kode").locator("input").click()
        page.keyboard.type("Tolk og")
        page.get_by_role("option", name="Tolk og språk").click()
        page.get_by_role("button", name="Avgjør").click()
        expect(page.get_by_text("Avgjort: «Tolk og språk».")).to_be_visible()
        page.screenshot(path=str(shots / "5-enighet.png"), full_page=True)
        go(page, sidebar, "Oversikt", "Andel kodet: svar")
        coded_after = page.get_by_test_id("stMetricValue").nth(2).inner_text()
        browser.close()

    assert coded_before.startswith("0") and coded_after != coded_before
    with open_store(project) as store:
        mine = store.current_codings(question="q17_barrierer", coder="kari")
        history = store.codings(question="q17_barrierer", coder="kari")
        labels = {c.id: c.label for c in store.codebook().categories}
    assert before.empty
    keyboard = history.iloc[accepted:]
    assert len(keyboard) == 20 + 1  # twenty saves and one withdrawal, appended
    assert [labels.get(c, "") for c in keyboard["code_id"].iloc[:20]] == chosen
    assert keyboard["quote_candidate"].tolist()[:20] == [i == 4 for i in range(20)]
    theme = set(history["segment_id"].iloc[:accepted])
    withdrawn = int(keyboard["segment_id"].iloc[19])
    expected = theme | set(keyboard["segment_id"].iloc[:19]) | ({withdrawn} & theme)
    assert set(mine["segment_id"]) == expected
    with open_store(project) as store:
        settled = store.adjudications(question="q17_barrierer")
    assert list(zip(settled["segment_id"], settled["code_id"], settled["adjudicator"])) == [(disputed, "tolk", "kari")]


def test_a_first_time_coder_reaches_coding_from_a_run_without_a_codebook(tmp_path, shots):
    """`fritekst run … --db` without a codebook, then through the app alone: the themes become
    categories on Kodebok, and the first answer is coded with Alt+1."""
    from playwright.sync_api import expect, sync_playwright

    from fritekst.run import run_survey
    from fritekst.settings import build_run_config

    project = tmp_path / "fritekst.db"
    config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", embedder="tfidf")
    survey = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
    with open_store(project) as store:
        store.import_survey(survey, config.mapping)
        store.save_run(run_survey(survey, config))
    url, process = start_server(project)
    try:
        with sync_playwright() as playwright:
            browser, page, sidebar = open_workspace(playwright, url)
            go(page, sidebar, "Kodebok", "Gjør temaene til kategorier")
            page.get_by_role("button", name="Lagre som kategorier").click()
            expect(page.get_by_text("Lagret som versjon 1")).to_be_visible()
            page.screenshot(path=str(shots / "6-kodebok-fra-temaer.png"), full_page=True)
            go(page, sidebar, "Koding", "Lagre og neste")
            first_quick = page.locator("[class*='st-key-quick_'] button").first.inner_text().split(" · ", 1)[1]
            page.keyboard.press("Alt+Digit1")
            expect(page.get_by_text(f"Lagret: {first_quick}")).to_be_visible()
            browser.close()
    finally:
        process.kill()
        process.wait(timeout=30)
    with open_store(project) as store:
        codebook = store.codebook()
        coded = store.current_codings(coder="kari")
    assert codebook.version == 1
    assert [codebook.category(c).label for c in coded["code_id"]] == [first_quick]
