"""How quickly the coder workspace answers with 10 000 answers in one question.

A survey of 10 000 distinct answers (resampled sentence pairs, as in bench/speed.py, with a role
and an attribute) is run with the IMDi codebook and saved in a SQLite store. The Koding page is
then driven with streamlit.testing: the time from an action to the page drawn again (the
server's share of what a coder waits for; the browser adds its rendering). Baseline in the same
run: the same steps computed without the app's cache (reading the store on every draw).

    python -m bench.app_speed [--n 10000] [--repeats 5] [--out bench/results/app_speed.md]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from bench.quality import DEFAULT_SIB
from bench.speed import make_survey, source_sentences

ROOT = Path(__file__).resolve().parents[1]


def _script(target: str) -> None:
    from fritekst.app.streamlit_main import run_from_argv

    run_from_argv(["app", target])


def build_project(n: int, folder: Path) -> Path:
    from fritekst.run import run_survey
    from fritekst.settings import build_run_config
    from fritekst.store import open_store

    survey = folder / "svar.csv"
    make_survey(source_sentences(DEFAULT_SIB), n, True, survey)
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
    return path


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/app_speed.md"))
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    from streamlit.testing.v1 import AppTest

    from fritekst.store import open_store
    from fritekst.workspace import CodingFilters, coding_queue, filter_queue

    with tempfile.TemporaryDirectory() as folder:
        project = build_project(args.n, Path(folder))
        at = AppTest.from_function(_script, args=(str(project),), default_timeout=300)
        first = timed(at.run)
        at.sidebar.text_input(key="coder").input("kari")
        at.sidebar.radio(key="page").set_value("coding")
        open_page = timed(at.run)
        words = ["bolig", "kommune", "barn", "tilskudd", "arbeid"]
        filters = [timed(lambda w=w: at.text_input(key="f_search").input(w).run()) for w in words[: args.repeats]]
        at.text_input(key="f_search").input("").run()
        saves = []
        for _ in range(args.repeats):
            button = next(b for b in at.button if b.label == "Lagre og neste")
            saves.append(timed(button.click().run))
        assert not at.exception, at.exception
        with open_store(project) as store:
            n_codings = len(store.current_codings(coder="kari"))
            question = store.segments()["question"].iloc[0]
            segment = int(store.segments()["segment_id"].iloc[0])

            def uncached_filter(word):
                queue = coding_queue(store.segments(question=question), store.current_codings(question=question), "kari")
                return filter_queue(queue, CodingFilters(search=word))

            base_filters = [timed(lambda w=w: uncached_filter(w)) for w in words[: args.repeats]]
            base_saves = [timed(lambda: (store.add_coding(segment, "bolig", "ola", 1), uncached_filter("")))
                          for _ in range(args.repeats)]
            write_only = [timed(lambda: store.add_coding(segment, "bolig", "per", 1)) for _ in range(args.repeats)]
    median = statistics.median
    rows = [
        {"step": "first draw of the app (Oversikt)", "fritekst (s)": first, "baseline (s)": float("nan")},
        {"step": "open the Koding page", "fritekst (s)": open_page, "baseline (s)": float("nan")},
        {"step": "change a filter (search word), median", "fritekst (s)": median(filters),
         "baseline (s)": median(base_filters)},
        {"step": "save a coding and show the next answer, median", "fritekst (s)": median(saves),
         "baseline (s)": median(base_saves)},
        {"step": "the store write alone (add_coding), median", "fritekst (s)": median(write_only), "baseline (s)": float("nan")},
    ]
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# Coder workspace with {args.n:,} answers in one question\n\n".replace(",", " ")
        + f"SQLite store, {args.repeats} repeats. fritekst: the Koding page driven with streamlit.testing "
        "(server-side time from action to page drawn). Baseline: reading the store and building the queue "
        f"on every draw, without the app's cache. {n_codings} codings saved by the app.\n\n"
        + table.to_markdown(index=False, floatfmt=".3f") + "\n", encoding="utf-8")
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
