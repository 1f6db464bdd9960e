"""Speed and memory of `fritekst run` at 1 000, 10 000 and 100 000 answers, cold and warm cache.

Answers are resampled from the example survey and SIB-200 sentences. For 1 000 and
10 000 every answer is made distinct (two source sentences joined), so a cold run
embeds them all; at 100 000 the answers are plain resamples, so the cold run embeds
only the distinct texts — the table reports how many. Each run is a separate
`fritekst run` process; peak memory is its maximum resident set size.

    python -m bench.speed [--sizes 1000 10000 100000] [--out bench/results/speed.md]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.quality import DEFAULT_SIB, load_sib

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kommuneundersokelsen_fiktiv.xlsx"


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


def timed_run(survey: Path, out: Path, cache: Path) -> dict:
    started = time.perf_counter()
    command = [sys.executable, "-m", "fritekst.cli", "run", str(survey), "--text", "svar", "--id", "id",
               "--out", str(out), "--cache", str(cache)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak memory
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(process.stderr.read().decode())
    peak_mb = usage.ru_maxrss / 1024
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "peak_mb": peak_mb, "timings": manifest["timings_s"],
            "embedded": manifest["embedding"]["embedded"], "themes": len(pd.read_csv(out / "themes.csv"))}


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--out", type=Path, default=Path("bench/results/speed.md"))
    args = parser.parse_args(argv)
    sentences = source_sentences(args.sib)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in args.sizes:
            distinct = n <= 10_000
            survey = tmp / f"survey_{n}.csv"
            unique = make_survey(sentences, n, distinct, survey)
            cache = tmp / f"cache_{n}.sqlite"
            for state in ("cold", "warm"):
                result = timed_run(survey, tmp / f"out_{n}_{state}", cache)
                rows.append({"answers": n, "distinct": unique, "cache": state, "seconds": round(result["seconds"], 1), "peak_mb": round(result["peak_mb"]),
                             "embedded": result["embedded"], "themes": result["themes"],
                             **{f"t_{k}": v for k, v in result["timings"].items()}})
                print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("# fritekst run: speed\n\n" + table.to_markdown(index=False) + "\n", encoding="utf-8")
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
