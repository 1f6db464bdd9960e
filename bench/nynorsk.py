"""Nynorsk read as well as Bokmål? SIB-200 train's 701 sentences in both standards, side by side.

The same sentences (parallel by ``index_id``) in Bokmål, in Nynorsk as written, and in Nynorsk
as ``fritekst run`` reads it (written standard detected per sentence, Nynorsk translated to
Bokmål by Apertium: :mod:`fritekst.nynorsk`):

- themes: ARI and NMI against the 7 topics, mean over ``--seeds`` seeds (bench.quality's runner
  and scoring, content view on, as a run);
- zero-shot coding with bench/data/sib200_codebook.yaml (bench.coding's evaluation at k = 0),
  and the codebook translated to Nynorsk (Apertium nob→nno, made here) coding the Bokmål
  sentences and the Nynorsk ones;
- detection: the share of the 1 402 sentences given their standard (the detector never saw
  them), beside its NDT test-split score from the model's build;
- cost: seconds per 1 000 answers for detection and for normalisation, cold (an empty cache)
  and warm (every reading cached).

    python -m bench.nynorsk [--seeds 5] [--out bench/results/nynorsk.md]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from bench.coding import CODEBOOK, _evaluate
from bench.quality import DEFAULT_SIB, run_fritekst
from fritekst.codebook import load_codebook
from fritekst.coding import category_prototypes
from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.embed.base import normalise_rows
from fritekst.language import detect_languages
from fritekst.nynorsk import TO_NYNORSK, _translator_id, bokmal_readings, codebook_readings, translate
from fritekst.themes import content_text, keyword_tokens

NNO = DEFAULT_SIB.parent / "nno_Latn"
DETECTOR_SCORES = Path(__file__).resolve().parents[1] / "models" / "recipe" / "scores_written_standard.json"


def load_parallel() -> pd.DataFrame:
    """One row per training sentence: index_id, category, nob, nno."""
    nob = pd.read_csv(DEFAULT_SIB / "train.tsv", sep="\t", quoting=3)
    nno = pd.read_csv(NNO / "train.tsv", sep="\t", quoting=3)
    both = nob.merge(nno[["index_id", "text"]], on="index_id", suffixes=("_nob", "_nno"))
    return both.rename(columns={"text_nob": "nob", "text_nno": "nno"})


def themes(texts: list[str], truth: np.ndarray, embed, seeds: int) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    tokens = keyword_tokens(texts)
    vectors, content = embed(texts), embed(content_text(tokens, texts))
    scores = []
    for seed in range(seeds):
        labels, _ = run_fritekst(texts, vectors, content, tokens, seed)
        scores.append((adjusted_rand_score(truth, labels), normalized_mutual_info_score(truth, labels)))
    ari, nmi = np.array(scores).T
    return {"ARI": ari.mean(), "ARI sd": ari.std(), "NMI": nmi.mean()}


def zero_shot(texts: list[str], truth: np.ndarray, embed, codebook_texts) -> float:
    """fritekst's zero-shot accuracy (bench.coding's k = 0) with the codebook read as given."""
    codebook = load_codebook(CODEBOOK)
    ids, prototypes = category_prototypes(codebook, lambda t: embed(codebook_texts(list(t))))
    names = normalise_rows(embed(codebook_texts([codebook.category(i).label for i in ids])))
    X = embed(texts)
    empty = (X[:0], np.array([], dtype=object))
    rows = _evaluate("zero-shot", 0, [(*empty, X, truth)], ids, prototypes, names)
    return next(r["accuracy"] for r in rows if r["method"] == "fritekst")


def seconds_per_1000(texts: list[str], step) -> float:
    started = time.perf_counter()
    step(texts)
    return (time.perf_counter() - started) * 1000 / len(texts)


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/nynorsk.md"))
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    data = load_parallel()
    truth = data["category"].str.replace("/", "_").to_numpy()
    embedder, cache = get_embedder("e5-small"), EmbeddingCache()
    embed = lambda texts: embed_with_cache(embedder, list(texts), cache).vectors  # noqa: E731
    nob, nno = data["nob"].tolist(), data["nno"].tolist()

    # Detection, and the cost of detection and normalisation (cold: a new cache; warm: the same).
    detected_nob, detected_nno = detect_languages(nob), detect_languages(nno)
    with tempfile.TemporaryDirectory() as scratch:
        fresh = EmbeddingCache(Path(scratch) / "cold.sqlite")
        _translator_id.cache_clear()
        cost = {
            "detection": seconds_per_1000(nno, detect_languages),
            "normalisation, cold": seconds_per_1000(nno, lambda t: bokmal_readings(t, detect_languages(t), fresh)),
            "normalisation, warm": seconds_per_1000(nno, lambda t: bokmal_readings(t, detect_languages(t), fresh)),
        }
        fresh.close()
    read = bokmal_readings(nno, detected_nno, cache)
    nynorsk_codebook = translate(codebook_texts_of(), TO_NYNORSK, cache)[0]
    as_nynorsk = lambda texts: [nynorsk_codebook.get(t, t) for t in texts]  # noqa: E731

    variants = {"Bokmål": nob, "Nynorsk as written": nno, "Nynorsk normalised (fritekst run)": read.texts}
    rows = []
    for name, texts in variants.items():
        row = {"sentences": name, **themes(texts, truth, embed, args.seeds),
               "zero-shot accuracy": zero_shot(texts, truth, embed, lambda t: t)}
        rows.append(row)
        print(row, flush=True)
    codebook_rows = [
        {"answers": "Bokmål", "codebook": "Nynorsk, read as Bokmål",
         "zero-shot accuracy": zero_shot(nob, truth, embed, lambda t: codebook_readings(as_nynorsk(t), cache))},
        {"answers": "Nynorsk normalised", "codebook": "Nynorsk, read as Bokmål",
         "zero-shot accuracy": zero_shot(read.texts, truth, embed, lambda t: codebook_readings(as_nynorsk(t), cache))},
        {"answers": "Nynorsk as written", "codebook": "Nynorsk as written",
         "zero-shot accuracy": zero_shot(nno, truth, embed, as_nynorsk)},
    ]
    table = pd.DataFrame(rows)
    built = json.loads(DETECTOR_SCORES.read_text(encoding="utf-8")) if DETECTOR_SCORES.is_file() else {}
    right = sum(d == "nb" for d in detected_nob) + sum(d == "nn" for d in detected_nno)
    detection = pd.DataFrame([
        {"sentences": "SIB-200 train, nob + nno (never seen by the detector)", "n": len(nob) + len(nno),
         "accuracy": right / (len(nob) + len(nno)),
         "Bokmål called Nynorsk": sum(d != "nb" for d in detected_nob), "Nynorsk missed": sum(d != "nn" for d in detected_nno)},
        {"sentences": "NDT test split, nob + nno (from the model's build)", "n": built.get("ndt_test_sentences"),
         "accuracy": built.get("accuracy_ndt_test"), "Bokmål called Nynorsk": "", "Nynorsk missed": ""},
    ])
    bokmal, normalised, written = rows[0], rows[2], rows[1]
    text = (
        "# Nynorsk against Bokmål on SIB-200 train (701 parallel sentences)\n\n"
        f"Themes: fritekst's discovery (content view on), mean over {args.seeds} seeds; zero-shot: "
        "`bench/data/sib200_codebook.yaml`, fritekst's coder at k = 0 as in `bench.coding`. "
        f"Nynorsk normalised: {read.to_read} of {len(nno)} sentences detected as Nynorsk (or mixed) and read as "
        f"Bokmål by {read.translator or 'nothing: ' + read.note}.\n\n"
        + table.to_markdown(index=False, floatfmt=".3f")
        + "\n\nGaps to Bokmål (done when ARI within 0.05 and zero-shot within 0.02):\n\n"
        f"| Nynorsk | ARI gap | zero-shot gap |\n|---|---|---|\n"
        f"| as written | {bokmal['ARI'] - written['ARI']:.3f} | {bokmal['zero-shot accuracy'] - written['zero-shot accuracy']:.3f} |\n"
        f"| normalised | {bokmal['ARI'] - normalised['ARI']:.3f} | {bokmal['zero-shot accuracy'] - normalised['zero-shot accuracy']:.3f} |\n"
        "\n## A codebook in Nynorsk (the Bokmål one translated by Apertium nob→nno here)\n\n"
        + pd.DataFrame(codebook_rows).to_markdown(index=False, floatfmt=".3f")
        + "\n\n## Written standard detected\n\n" + detection.to_markdown(index=False, floatfmt=".4f")
        + "\n\n## Cost, seconds per 1 000 answers (the 701 Nynorsk sentences; same run)\n\n"
        + pd.DataFrame([cost]).to_markdown(index=False, floatfmt=".3f") + "\n"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return table


def codebook_texts_of() -> list[str]:
    """Every text the SIB-200 codebook gives the coder (labels, descriptions, keywords)."""
    from fritekst.coding._prototypes import prototype_texts

    codebook = load_codebook(CODEBOOK)
    return list(dict.fromkeys(t for c in codebook.codable() if not c.special for t in prototype_texts(c)))


if __name__ == "__main__":
    main()
