"""How embedding throughput scales with Ray workers, beside the embedder in one process.

In one session, on the same distinct answers (two SIB-200 / example-survey sentences joined, as
``bench.speed`` makes them): the default embedder in this process, batch by batch as a local run
embeds (the baseline), then :class:`fritekst.embed.ray_cluster.RayEncoder` on a local Ray cluster
of 2 CPUs with 1 and with 2 actors (one CPU, one thread each), rounds alternating. *start* is the
seconds to the first batch back (actor start-up and model load); *texts/s steady* counts the
texts after the first batch over the time after it: the per-worker rate docs/scaling.md
extrapolates with. The single-node stages after embedding (UMAP and k-means on their sample,
keywords) are timed by ``bench.speed``'s runs (its ``t_*`` columns).

    python -m bench.ray_scaling [--answers 1000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from bench.quality import DEFAULT_SIB
from bench.speed import make_survey, source_sentences


def timed(encode, texts: list[str]) -> dict:
    started = time.perf_counter()
    first, done = None, 0
    for rows, _vectors in encode(texts):
        done += len(rows)
        if first is None:
            first = (time.perf_counter() - started, len(rows))
    seconds = time.perf_counter() - started
    steady = (done - first[1]) / max(seconds - first[0], 1e-9)
    return {"texts": done, "seconds": seconds, "texts/s": done / seconds, "start": first[0], "texts/s steady": steady}


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--out", type=Path, default=Path("bench/results/ray_scaling.md"))
    args = parser.parse_args(argv)

    import ray

    from fritekst.embed import get_embedder
    from fritekst.embed.cache import local_batches
    from fritekst.embed.ray_cluster import RayEncoder

    with tempfile.TemporaryDirectory() as tmp:  # the answers are SIB-200's sentences: never in the repo
        survey = Path(tmp) / "survey.csv"
        make_survey(source_sentences(args.sib), args.answers, True, survey)
        texts = pd.read_csv(survey)["svar"].tolist()
    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    cluster_start = time.perf_counter() - started
    rows = []
    try:
        for round_ in range(args.rounds):
            for how in ("this process", "ray, 1 worker", "ray, 2 workers"):
                if how == "this process":
                    encode = local_batches(get_embedder())
                else:
                    encode = RayEncoder("auto", "e5-small", workers=int(how.split()[1]))
                rows.append({"round": round_ + 1, "embedding": how, **timed(encode, texts)})
                print(rows[-1], flush=True)
    finally:
        ray.shutdown()
    table = pd.DataFrame(rows)
    args.out.write_text(
        "# Embedding throughput with Ray workers\n\n"
        f"One session, 2 cores shared with other work; {len(texts)} distinct answers; a local Ray cluster of 2 CPUs "
        f"(started in {cluster_start:.1f} s, not counted below); each actor one CPU. *start*: seconds to the first "
        "batch back; *texts/s steady*: after it. `python -m bench.ray_scaling`\n\n"
        + table.to_markdown(index=False, floatfmt=".2f") + "\n",
        encoding="utf-8",
    )
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
