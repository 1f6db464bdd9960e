"""A team server for real: `fritekst serve --auth` in front of a real OpenID Connect provider
running here (oidc-provider-mock, in a thread), driven in Debian's Chromium.

An anonymous visitor sees nothing of the project; two people sign in and their codings and
audit rows carry their logins; a koder's codebook edit is refused and logged; a prosjektleder's
is saved; a leser sees counts alone; and without --auth the server will not bind beyond loopback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from browser import CHROMIUM, NO_CHROMIUM, idle, launch, settle
from fritekst.cli import app
from fritekst.store import MODEL_CODER, open_store

pytestmark = pytest.mark.slow  # a provider, a server and a browser

KARI, PER, LISE = "kari@kommune.example", "per@kommune.example", "lise@kommune.example"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_refuses_any_address_but_loopback_without_auth(example_project, tmp_path):
    runner = CliRunner()
    done = runner.invoke(app, ["serve", str(example_project), "--address", "0.0.0.0"])
    assert done.exit_code == 2
    assert done.output.count("\n") == 1 and "refusing to serve on 0.0.0.0 without --auth" in done.output
    weak = tmp_path / "auth.toml"
    weak.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "kort"\n'
                    'client_id = "a"\nclient_secret = "b"\nserver_metadata_url = "http://localhost:1/x"\n')
    done = runner.invoke(app, ["serve", str(example_project), "--address", "0.0.0.0", "--auth", str(weak)])
    assert done.exit_code == 2 and "cookie_secret" in done.output
    weak.write_text("[auth]\nclient_id = 'a'\n")
    done = runner.invoke(app, ["serve", str(example_project), "--auth", str(weak)])
    assert done.exit_code == 2 and "lacks redirect_uri, cookie_secret, client_secret, server_metadata_url" in done.output


@pytest.fixture(scope="module")
def team_server(example_project_template, tmp_path_factory):
    """(app URL, project): the example project with roles, served with --auth against a provider
    that knows kari, per and lise."""
    pytest.importorskip("oidc_provider_mock")
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from oidc_provider_mock import User, run_server_in_thread

    folder = tmp_path_factory.mktemp("team")
    project = folder / "fritekst.db"
    shutil.copy(example_project_template, project)
    with open_store(project) as store:
        store.grant_role(PER, "prosjektleder", actor=PER)
        store.grant_role(KARI, "koder", actor=PER)
        store.grant_role(LISE, "leser", actor=PER)
    users = [User(sub=name.split("@")[0], claims={"email": name}) for name in (KARI, PER, LISE)]
    with run_server_in_thread(user_claims=users) as provider:
        port = _free_port()
        auth = folder / "auth.toml"
        auth.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            f'cookie_secret = "{"s" * 48}"\n'
            'client_id = "fritekst"\nclient_secret = "hemmelig"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n')
        process = subprocess.Popen([sys.executable, "-m", "fritekst.cli", "serve", str(project), "--auth", str(auth),
                                    "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   env={k: v for k, v in os.environ.items() if k != "FRITEKST_USER"})
        url = f"http://localhost:{port}"
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.time() < deadline, "the server did not start"
                time.sleep(0.5)
        yield url, project
        process.kill()
        process.wait(timeout=30)


def _sign_in(browser, url: str, who: str):
    """A fresh browser context (no cookies) signed in as ``who`` through the provider's page."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1600}).new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("button", name=who.split("@")[0], exact=True).click()  # the provider's own form
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Koder: {who}")).to_be_visible()
    return page


def _go(page, name: str, last: str) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
    settle(page, last)


def _code_one(page) -> None:
    """Save the answer shown with the first quick code (Alt+1), as a coder does."""
    from playwright.sync_api import expect

    _go(page, "Koding", "Lagre og neste")
    position = page.get_by_role("spinbutton", name="Svar nr.")
    start = int(position.input_value())
    # The key works once this answer's shortcut map is in force (its frame may load after the page).
    page.wait_for_function("() => { const key = (window.__fritekstShortcuts || {}).Digit1;"
                           " return Boolean(key && document.querySelector(`.st-key-${key} button`)); }")
    page.keyboard.press("Alt+Digit1")
    expect(position).to_have_value(str(start + 1))
    idle(page)


def _edit_first_category(page, label: str) -> None:
    """Rename the category the edit form opens on and save it as a new version."""
    from playwright.sync_api import expect

    _go(page, "Kodebok", "Importer kodebok")
    page.get_by_text("Rediger kategori").first.click()
    form = page.get_by_test_id("stForm").first
    name = form.get_by_role("textbox", name="Navn")
    expect(name).to_be_visible()
    name.fill(label)
    name.press("Tab")
    idle(page)
    form.get_by_role("button", name="Lagre som ny versjon").click()
    idle(page)


def test_a_team_signs_in_codes_as_themselves_and_roles_hold(team_server):
    from playwright.sync_api import expect, sync_playwright

    url, project = team_server
    with open_store(project) as store:
        answers = store.segments()["text"].dropna().loc[lambda t: t.str.len() > 40].tolist()
        version = store.codebook().version
        log = len(store.audit_log())
    with sync_playwright() as playwright:
        browser = launch(playwright)
        anonymous = browser.new_page()
        anonymous.goto(url)
        expect(anonymous.get_by_text("Logg inn for å se prosjektet.")).to_be_visible()
        shown = anonymous.inner_text("body")
        assert not [a for a in answers if a[:40] in shown]
        assert "Spørsmål" not in shown and "Oversikt" not in shown

        kari = _sign_in(browser, url, KARI)
        _code_one(kari)
        _edit_first_category(kari, "Endret av en koder")
        expect(kari.get_by_text(f"Ikke lagret: {KARI} har rollen koder")).to_be_visible()

        per = _sign_in(browser, url, PER)
        _code_one(per)
        _edit_first_category(per, "Endret av prosjektlederen")
        expect(per.get_by_text(f"Lagret som versjon {version + 1}.")).to_be_visible()

        lise = _sign_in(browser, url, LISE)
        sidebar = lise.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Oversikt", exact=True)).to_be_visible()
        assert sidebar.get_by_text("Koding", exact=True).count() == 0
        assert not [a for a in answers if a[:40] in lise.inner_text("body")]
        browser.close()

    with open_store(project) as store:
        people = store.codings()
        people = people[people["coder"] != MODEL_CODER]
        new_log = store.audit_log().iloc[log:]
        codebook = store.codebook()
    assert sorted(people["coder"]) == [KARI, PER]  # one answer each, under their logins
    assert codebook.version == version + 1
    assert "Endret av prosjektlederen" in [c.label for c in codebook.categories]
    assert "Endret av en koder" not in [c.label for c in codebook.categories]
    actions = list(zip(new_log["actor"], new_log["action"]))
    assert (KARI, "code") in actions and (PER, "code") in actions and (PER, "save") in actions
    refused = new_log[new_log["action"] == "refused"]
    assert list(zip(refused["actor"], [a["action"] for a in refused["after"]])) == [(KARI, "save_codebook")]
    assert set(new_log["actor"]) == {KARI, PER}
