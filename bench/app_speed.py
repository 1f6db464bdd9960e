"""How quickly the coder workspace answers with 10 000 answers in one question, before and after.

A survey of 10 000 distinct answers (resampled sentence pairs, as in bench/speed.py, with a role
and an attribute) is run with the IMDi codebook and saved in a SQLite store. The Koding page is
then driven with streamlit.testing: the time from an action to the page drawn again (the
server's share of what a coder waits for; the browser adds its rendering). Two states of the
project: no answer coded yet, and every answer coded by two coders (late in a project, when the
people's codings are as many as the answers).

The figures are measured for this checkout ("now") and for an earlier commit ("before", default
the commit before the speed work of issue 13) in the same run: the earlier commit's library is
exported with ``git archive`` into a temporary folder, and this file's driver runs it in a child
process with that folder first on ``PYTHONPATH``. Both sides drive copies of one project, built
by the earlier library (the newer one opens an older store); rounds alternate the two sides, so
load from other work on the machine falls on both. Each figure is the median over all rounds.

    python -m bench.app_speed [--n 10000] [--repeats 5] [--rounds 3] [--before REF|none]
                              [--out bench/results/app_speed.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "5683d5b"  # main before issue 13's speed work (segments cached on runs_revision already)
WORDS = ["bolig", "kommune", "barn", "tilskudd", "arbeid", "skole", "tolk"]
STEPS = {
    "first": "first draw of the app (Oversikt)",
    "open": "open the Koding page",
    "filter": "change a filter (search word)",
    "save_next": "save and next, suggestion accepted (Lagre og neste / Alt+Enter)",
    "quick": "quick code 2: code, save and next (Alt+2)",
    "next": "next answer (Neste / Alt+→)",
    "undo": "undo my last coding (Alt+Z)",
    "write": "the store write alone (add_coding)",
}
STATES = {"fresh": "no answer coded yet", "coded": "every answer coded by kari and ola"}


def _script(target: str) -> None:
    from fritekst.app.streamlit_main import run_from_argv

    run_from_argv(["app", target])


def build_project(n: int, folder: Path, sib: Path) -> Path:
    """The survey run into ``folder/fritekst.db``, and a copy ``folder/coded.db`` in which kari and
    ola have coded every answer (each with codes spread over the codebook)."""
    from bench.speed import make_survey, source_sentences
    from fritekst.run import run_survey
    from fritekst.settings import build_run_config
    from fritekst.store import open_store

    import numpy as np

    survey = folder / "svar.csv"
    make_survey(source_sentences(sib), n, True, survey)
    table = pd.read_csv(survey)
    rng = np.random.default_rng(0)
    table["rolle"] = rng.choice(["Kommunedirektør", "Integreringsansvarlig", "Skolesjef"], len(table))
    table["landsdel"] = rng.choice(["Nord", "Midt", "Vest", "Sør", "Øst"], len(table))
    table.to_csv(survey, index=False)
    config = build_run_config(text=["svar"], id="id", role="rolle", attrs=["landsdel"], embedder="tfidf",
                              codebook=ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml")
    result = run_survey(survey, config)
    path = folder / "fritekst.db"
    with open_store(path) as store:
        store.import_survey(survey, config.mapping)
        store.save_run(result)
    shutil.copy(path, folder / "coded.db")
    with open_store(folder / "coded.db") as store:
        segments = store.segments()
        answered = segments[~segments["non_answer"]]["segment_id"].tolist()
        codebook = store.codebook()
        codes = [c.id for c in codebook.codable()]
        for shift, coder in enumerate(("kari", "ola")):
            for i, code in enumerate(codes):
                chunk = answered[(i + shift) % len(codes)::len(codes)]
                store.add_codings(chunk, code, coder, codebook.version)
    return path


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def drive(project: Path, repeats: int) -> dict[str, list[float]]:
    """Each step's seconds, driving the Koding page of ``project`` with streamlit.testing."""
    from streamlit.testing.v1 import AppTest

    from fritekst.store import open_store

    open_store(project).close()  # an older store is brought up to date here, not in the first draw
    times: dict[str, list[float]] = {key: [] for key in STEPS}
    os.environ["FRITEKST_USER"] = "kari"  # the app's coder is the user running it
    at = AppTest.from_function(_script, args=(str(project),), default_timeout=600)
    times["first"].append(timed(at.run))
    at.sidebar.radio(key="page").set_value("coding")
    times["open"].append(timed(at.run))
    for word in WORDS[:repeats]:
        times["filter"].append(timed(at.text_input(key="f_search").input(word).run))
    at.text_input(key="f_search").input("").run()

    def position() -> int:
        assert not at.exception, at.exception
        return int(at.number_input(key="position").value)

    def button(prefix: str, suffix: str = ""):
        return next(b for b in at.button if b.key and b.key.startswith(prefix) and b.key.endswith(suffix))

    for _ in range(repeats):
        here = position()
        times["save_next"].append(timed(button("save_next_").click().run))
        assert position() == here + 1
    for _ in range(repeats):
        here = position()
        times["quick"].append(timed(button("quick_", "_2").click().run))
        assert position() == here + 1
    for _ in range(repeats):
        here = position()
        times["next"].append(timed(at.button(key="next").click().run))
        assert position() == here + 1
    for _ in range(repeats):
        times["undo"].append(timed(at.button(key="undo").click().run))
        assert not at.exception, at.exception
    with open_store(project) as store:
        segment = int(store.segments()["segment_id"].iloc[0])
        times["write"] = [timed(lambda: store.add_coding(segment, "bolig", "per", 1)) for _ in range(repeats)]
    return times


def _child(tree: Path, *args: str) -> None:
    """Run this file's ``args`` in a child process importing ``fritekst`` (and ``bench``) from ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-W", "ignore", str(Path(__file__).resolve()), *args], cwd=tree, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def export(ref: str, folder: Path) -> Path:
    """The library and benchmarks at ``ref`` (any git revision), unpacked into ``folder``, with
    its compiled engine built where it has one (decision 026): without it that tree's runs would
    fall back to another embedder."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    if (folder / "setup.py").exists():
        subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="alternating before/now drives per project state")
    parser.add_argument("--before", default=BEFORE, help="git revision to compare with, or 'none'")
    parser.add_argument("--sib", type=Path, default=ROOT.parent / "shared" / "data" / "sib200" / "nob_Latn")
    parser.add_argument("--out", type=Path, default=Path("bench/results/app_speed.md"))
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # child: build the projects here
    parser.add_argument("--drive", type=Path, help=argparse.SUPPRESS)  # child: drive this project ...
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # ... and write the times here
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    if args.build:
        build_project(args.n, args.build, args.sib)
        return pd.DataFrame()
    if args.drive:
        args.json.write_text(json.dumps(drive(args.drive, args.repeats)), encoding="utf-8")
        return pd.DataFrame()

    before = None if args.before.lower() == "none" else args.before
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        sides = {"now": ROOT}
        if before:
            sides = {"before": export(before, folder / "before"), "now": ROOT}
        built = folder / "project"
        built.mkdir()
        started = time.perf_counter()
        _child(sides.get("before", ROOT), "--build", str(built), "--n", str(args.n), "--sib", str(args.sib.resolve()))
        print(f"projects built in {time.perf_counter() - started:.0f} s", flush=True)
        times = {(state, side): {key: [] for key in STEPS} for state in STATES for side in sides}
        for state, name in (("fresh", "fritekst.db"), ("coded", "coded.db")):
            for round_ in range(args.rounds):
                for side, tree in sides.items():
                    project = folder / f"{state}-{side}-{round_}" / "fritekst.db"
                    project.parent.mkdir()
                    shutil.copy(built / name, project)
                    out = project.with_suffix(".json")
                    _child(tree, "--drive", str(project), "--json", str(out), "--repeats", str(args.repeats))
                    for key, values in json.loads(out.read_text(encoding="utf-8")).items():
                        times[state, side][key] += values
                    medians = {k: round(statistics.median(v), 3) for k, v in times[state, side].items()}
                    print(state, side, round_, medians, flush=True)
    rows = []
    for state, label in STATES.items():
        for key, step in STEPS.items():
            row = {"project": label, "step": step}
            for side in sides:
                heading = f"before ({before}) (s)" if side == "before" else "now (s)"
                row[heading] = statistics.median(times[state, side][key])
            row["samples"] = len(times[state, "now"][key])
            rows.append(row)
    table = pd.DataFrame(rows)
    compared = (f"before: commit {before}, exported with `git archive` and driven by this file's driver in the "
                "same run, rounds alternating with now" if before else "no earlier commit compared (--before none)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# Coder workspace with {args.n:,} answers in one question\n\n".replace(",", " ")
        + f"SQLite store; the Koding page driven with streamlit.testing (server-side seconds from an action to "
        f"the page drawn again), median over {args.rounds} rounds of {args.repeats} repeats (first draw and "
        f"opening the page: once a round). {compared}. `python -m bench.app_speed`\n\n"
        + table.to_markdown(index=False, floatfmt=".3f") + "\n", encoding="utf-8")
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
