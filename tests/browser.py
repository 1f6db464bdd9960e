"""What the two browser tests share: Debian's Chromium, and waiting until Streamlit is idle.

Streamlit shows its status widget only after a script has run for a while, so a hidden widget
does not mean the script is done; an action sent in that gap can be dropped. The app root's
``data-test-script-state`` (Streamlit's own end-to-end tests wait on it) says it outright.
"""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "no Chromium: install Debian's chromium package (make test does, as root)"


def launch(playwright):
    """A headless Chromium; waits are long, as a first paint on a busy 2-core machine is slow."""
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=["--no-sandbox", "--disable-background-networking"])


def idle(page) -> None:
    """Wait until no script run is going or asked for, and the page has had time to draw it."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def settle(page, last: str) -> None:
    """Wait until the page's last element (text ``last``) is drawn and the script is done."""
    from playwright.sync_api import expect

    expect(page.get_by_text(last).first).to_be_visible()
    idle(page)
