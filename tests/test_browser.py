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

from fritekst.store import open_store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium: install Debian's chromium package (make test does, as root)")


@pytest.fixture(scope="module")
def project(example_project_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "fritekst.db"
    shutil.copy(example_project_template, path)
    return path


@pytest.fixture(scope="module")
def server(project):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app_streamlit.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--", str(project)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "FRITEKST_USER": "browser-test"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.time() < deadline, "Streamlit did not start"
            time.sleep(0.5)
    yield url
    process.kill()
    process.wait(timeout=30)


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("FRITEKST_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_accept_a_theme_code_three_answers_and_see_the_counts_change(server, project, shots):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a first paint on a busy 2-core machine takes a while
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.set_default_timeout(60_000)
        page.goto(server)
        expect(page.get_by_text("fritekst – kodeverksted")).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        coder = sidebar.get_by_role("textbox", name="Hvem koder?")
        coder.fill("kari")
        coder.press("Enter")
        sidebar.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option").filter(has_text="q17_barrierer").click()
        expect(sidebar.get_by_role("combobox", name="Spørsmål")).to_have_value(re.compile("^q17_barrierer"))

        def go(name: str, last: str) -> None:
            """Open a page and wait until its last element (text ``last``) is drawn."""
            sidebar.get_by_text(name, exact=True).click()
            expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
            expect(page.get_by_text(last).first).to_be_visible()
            expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()  # the script has finished
            page.wait_for_timeout(500)

        go("Oversikt", "Andel kodet: svar")
        page.screenshot(path=str(shots / "1-oversikt.png"), full_page=True)
        before = page.get_by_test_id("stMetricValue").nth(2).inner_text()

        go("Temaer", "Kategori for hele temaet")
        page.screenshot(path=str(shots / "2-temaer.png"), full_page=True)
        accept = page.get_by_role("button", name="Kod alle")
        accepted = int(accept.inner_text().split()[2])
        accept.click()
        expect(page.get_by_text("svar kodet som")).to_be_visible()

        go("Koding", "Lagre og neste")
        save_next = page.get_by_role("button", name="Lagre og neste")
        for number in (2, 3, 4):
            expect(save_next).to_have_count(1)  # the earlier answer's form is gone once the page has redrawn
            expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()  # and the script has finished
            save_next.click()
            expect(page.get_by_role("spinbutton", name="Svar nr.")).to_have_value(str(number))
            expect(page.get_by_text("Lagret:")).to_be_visible()
        page.screenshot(path=str(shots / "3-koding.png"), full_page=True)

        go("Kodebok", "Importer kodebok")
        page.screenshot(path=str(shots / "4-kodebok.png"), full_page=True)
        with open_store(project) as store:  # a colleague has coded the same answers, disagreeing once
            for i, row in store.current_codings(question="q17_barrierer", coder="kari").head(12).iterrows():
                store.add_coding(row["segment_id"], row["code_id"] if i % 4 else "annet", "ola", 1)
        go("Enighet", "Modellen mot koderne")
        page.screenshot(path=str(shots / "5-enighet.png"), full_page=True)
        go("Oversikt", "Andel kodet: svar")
        after = page.get_by_test_id("stMetricValue").nth(2).inner_text()
        page.screenshot(path=str(shots / "6-oversikt-etter.png"), full_page=True)
        browser.close()

    assert before.startswith("0") and after != before
    with open_store(project) as store:
        mine = store.current_codings(question="q17_barrierer", coder="kari")
    assert accepted <= len(mine) <= accepted + 3  # the theme, then three answers (some may be in the theme)
    assert all((shots / name).stat().st_size > 10_000 for name in
               ("1-oversikt.png", "2-temaer.png", "3-koding.png", "4-kodebok.png", "5-enighet.png"))
