"""How long it takes to code 50 answers in a real browser, by mouse and by keyboard, before and after.

The coder workspace is served by ``streamlit run`` and driven with Playwright in headless Chromium,
on two projects: the demo (the example survey with examples/demo.yaml and the IMDi codebook, TF-IDF
embeddings) and the 10 000-answer project of bench/app_speed.py. Four ways through 50 answers of
one question, each by its own coder, so each starts at the first answer and codes new ones:

- accept by mouse: click "Lagre og neste" (the model's suggestion stays chosen);
- accept by keyboard: Alt+Enter;
  (where the model has no confident suggestion, nothing is chosen and saving is refused, so
  accepting is the model's first-ranked category: the "1 ·" quick code, clicked or Alt+1);
- change by mouse: open the "Kode" box, pick another category, click "Lagre og neste";
- change by keyboard: Alt+2 (the second quick code, which saves and moves on).

An answer counts as done when the page is ready for the next one: "Svar nr." shows the next
number, Streamlit's running indicator is gone, the previous answer's form is gone, and the
keyboard shortcuts point at the new answer's buttons (``window.__fritekstShortcuts``, which
fritekst/app/shortcuts.py keeps; a key pressed before that would be lost). The figure is the
wall time of the 50 answers, from the first action to the last answer ready; what the browser
takes to draw is in it, unlike bench/app_speed.py's server-side figures. A coder "warmup" saves
two answers first on each server, so first draws and imports fall on no path.

Baseline in the same run: an earlier commit (default the one before issue 13's speed work),
exported with ``git archive`` and served from there, its rounds alternating with this checkout's.

    python -m bench.browser_coding [--answers 50] [--rounds 2] [--before REF|none] [--n 10000]
                                   [--out bench/results/browser_coding.md]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
PATHS = {
    "accept_mouse": "accept the suggestion by mouse (Lagre og neste)",
    "accept_keys": "accept the suggestion by keyboard (Alt+Enter)",
    "change_mouse": "change the code by mouse (Kode box, Lagre og neste)",
    "change_keys": "change the code by keyboard (Alt+2)",
}
NO_SUGGESTION = "Ikke noe sikkert forslag"
PROJECTS = {"demo": ("the demo (example survey)", "q17_barrierer"), "large": ("{n} answers", "svar")}
# Ready for the next answer: the shortcut map (kept by the page's component) names a new answer's
# button, that button is drawn, the script has finished and nothing of the previous draw is left
# (Streamlit removes its stale elements a moment after the script's last element arrives).
_READY = """(previous) => {
  const map = window.__fritekstShortcuts || {};
  const running = document.querySelector('[data-testid="stStatusWidget"]');
  return Boolean(map.Enter && map.Enter !== previous && document.querySelector(`.st-key-${map.Enter} button`)
                 && document.querySelectorAll('[data-testid="stForm"]').length === 1
                 && !document.querySelector('[data-stale="true"]')
                 && !(running && running.checkVisibility()));
}"""


def build_demo(folder: Path) -> Path:
    """The example survey run with TF-IDF and the IMDi codebook into ``folder/fritekst.db``."""
    from fritekst.run import run_survey
    from fritekst.settings import build_run_config
    from fritekst.store import open_store

    survey = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
    config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", embedder="tfidf",
                              codebook=ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml")
    path = folder / "fritekst.db"
    result = run_survey(survey, config)
    with open_store(path) as store:
        store.import_survey(survey, config.mapping)
        store.save_run(result)
    return path


@contextmanager
def serve(tree: Path, project: Path):
    """``streamlit run`` on ``project`` with the library of ``tree``; yields the address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(tree), "FRITEKST_USER": "bench"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(tree / "app_streamlit.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--", str(project)],
        cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                if time.time() > deadline:
                    raise RuntimeError("Streamlit did not start") from None
                time.sleep(0.5)
        yield url
    finally:
        process.kill()
        process.wait(timeout=30)


class Stuck(Exception):
    """The page did not get to the next answer in time (a lost key or a stalled server)."""

    def __init__(self, done: int) -> None:
        super().__init__(f"stuck after {done} answers")
        self.done = done


def code_answers(browser, url: str, question: str, coder: str, path: str, answers: int,
                 patience: float = 30.0) -> tuple[float, int]:
    """Seconds for ``coder`` to code ``answers`` answers of ``question`` along ``path`` (see PATHS),
    and how many of them had no suggestion; :class:`Stuck` when an answer is not ready
    ``patience`` seconds after its action."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.set_default_timeout(120_000)
    page.goto(f"{url}/?coder={coder}&question={question}&page=coding")
    spin = page.get_by_role("spinbutton", name="Svar nr.")

    def ready(number: int, previous: str | None, timeout: float) -> str:
        """Wait for answer ``number`` to be ready; returns its "Lagre og neste" key."""
        page.wait_for_function(_READY, arg=previous, timeout=timeout * 1000)
        expect(spin).to_have_value(str(number), timeout=timeout * 1000)
        return page.evaluate("() => window.__fritekstShortcuts.Enter")

    try:
        key = ready(1, None, 300)  # the first draw of a large project
        form = page.get_by_test_id("stForm")
        started, without = time.perf_counter(), 0
        for number in range(1, answers + 1):
            unsure = path.startswith("accept") and page.get_by_text(NO_SUGGESTION).count() > 0
            without += unsure
            if path == "accept_mouse":
                button = page.locator(f".st-key-{key.replace('save_next_', 'quick_')}_1 button") if unsure else \
                    form.get_by_role("button", name="Lagre og neste")
                button.click()
            elif path == "accept_keys":
                page.keyboard.press("Alt+1" if unsure else "Alt+Enter")
            elif path == "change_mouse":
                form.get_by_test_id("stSelectbox").click()
                page.get_by_role("option", selected=False).first.click()
                form.get_by_role("button", name="Lagre og neste").click()
            elif path == "change_keys":
                page.keyboard.press("Alt+2")
            try:
                key = ready(number + 1, key, patience)
            except PlaywrightTimeout:
                raise Stuck(number - 1) from None
        return time.perf_counter() - started, without
    finally:
        page.close()


def check_saved(project: Path, coder: str, question: str, answers: int) -> None:
    """Every answer coded once by ``coder``: no key was lost and none was saved twice."""
    from fritekst.store import open_store

    with open_store(project, read_only=True) as store:
        codings = store.codings(question=question, coder=coder)
    if len(codings) != answers or codings["segment_id"].nunique() != answers:
        raise RuntimeError(f"{coder} saved {len(codings)} codings of {codings['segment_id'].nunique()} answers, "
                           f"not {answers}")


def _child(tree: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-W", "ignore", str(Path(__file__).resolve()), *args], cwd=tree, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="alternating before/now servers per project")
    parser.add_argument("--before", help="git revision to compare with, or 'none' (default: bench.app_speed.BEFORE)")
    parser.add_argument("--n", type=int, default=10_000, help="answers in the large project")
    parser.add_argument("--patience", type=float, default=30.0,
                        help="seconds to wait for the next answer before calling a path stuck")
    parser.add_argument("--projects", nargs="*", default=list(PROJECTS), choices=list(PROJECTS))
    parser.add_argument("--paths", nargs="*", default=list(PATHS), choices=list(PATHS))
    parser.add_argument("--sib", type=Path, default=ROOT.parent / "shared" / "data" / "sib200" / "nob_Latn")
    parser.add_argument("--out", type=Path, default=Path("bench/results/browser_coding.md"))
    parser.add_argument("--build-demo", type=Path, help=argparse.SUPPRESS)  # child: build the demo here
    args = parser.parse_args(argv)
    if args.build_demo:  # a child process, with the library (and bench) of the tree it was started in
        build_demo(args.build_demo)
        return pd.DataFrame()
    from playwright.sync_api import sync_playwright

    from bench import app_speed

    before = app_speed.BEFORE if args.before is None else None if args.before.lower() == "none" else args.before
    seconds: dict[tuple[str, str, str], list[float]] = {}
    stuck_at: dict[tuple[str, str, str], int] = {}  # the answer a path never got past
    unsure: dict[str, int] = {}  # answers among the first ones with no suggestion, per project
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        sides = {"before": app_speed.export(before, folder / "before"), "now": ROOT} if before else {"now": ROOT}
        builder = sides.get("before", ROOT)  # the newer library opens the older store
        built = {}
        for project in args.projects:
            (folder / project).mkdir()
            if project == "demo":
                _child(builder, "--build-demo", str(folder / project))
            else:
                app_speed._child(builder, "--build", str(folder / project), "--n", str(args.n),
                                 "--sib", str(args.sib.resolve()))
            built[project] = folder / project / "fritekst.db"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            for project in args.projects:
                question = PROJECTS[project][1]
                for round_ in range(args.rounds):
                    for side, tree in sides.items():
                        copy = folder / f"{project}-{side}-{round_}" / "fritekst.db"
                        copy.parent.mkdir()
                        shutil.copy(built[project], copy)
                        with serve(tree, copy) as url:
                            code_answers(browser, url, question, "warmup", "accept_mouse", 2)  # first draws, imports
                            for path in args.paths:
                                coder = re.sub(r"\W", "", path)
                                try:
                                    taken, without = code_answers(browser, url, question, coder, path,
                                                                  args.answers, args.patience)
                                    if without:
                                        unsure[project] = without
                                    check_saved(copy, coder, question, args.answers)
                                except Stuck as stuck:
                                    taken = float("nan")
                                    stuck_at[project, path, side] = stuck.done + 1
                                seconds.setdefault((project, path, side), []).append(taken)
                                print(project, side, round_, path, f"{taken:.1f} s", flush=True)
            browser.close()
    rows = []
    n_shown = f"{args.n:,}".replace(",", " ")
    for project in args.projects:
        for path in args.paths:
            row = {"project": PROJECTS[project][0].format(n=n_shown), "path": PATHS[path]}
            for side in sides:
                total = statistics.median(seconds[project, path, side])
                name = f"before ({before})" if side == "before" else "now"
                row[f"{name}: s per answer"] = f"{total / args.answers:.2f}"
                row[f"{name}: s for {args.answers}"] = f"{total:.1f}"
                if (project, path, side) in stuck_at:
                    row[f"{name}: s per answer"] = f"stuck at answer {stuck_at[project, path, side]}"
                    row[f"{name}: s for {args.answers}"] = "–"
            rows.append(row)
    table = pd.DataFrame(rows)
    compared = (f"Before: commit {before}, exported with `git archive` and served from there in the same run, "
                "its rounds alternating with now's" if before else "No earlier commit compared (--before none)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# Coding {args.answers} answers in a real browser\n\n"
        f"Headless Chromium driven by Playwright against `streamlit run`; wall time from the first action to "
        f"the page ready for answer {args.answers + 1} (see the module docstring), median of {args.rounds} "
        f"rounds. {compared}. \"Stuck at answer k\": in some round, the action on answer k did not bring up the "
        f"next answer within {args.patience:.0f} s (a lost key). "
        + "".join(f"{PROJECTS[p][0].format(n=n_shown).capitalize()}: {unsure[p]} of the first {args.answers} "
                  "answers have no suggestion (accepting those is quick code 1). " for p in unsure)
        + "`python -m bench.browser_coding`\n\n"
        + table.to_markdown(index=False, disable_numparse=True) + "\n", encoding="utf-8")
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
