"""Keyword lemmas from the trained pipeline (models/nb_fritekst) against the Ordbank lookup.

Both run through ``fritekst.nlp.keyword_slots`` on the same texts, the lookup one with
``FRITEKST_MODELS_DIR`` pointed at an empty folder (the blank fallback). Reported per
pipeline: keyword tokens, distinct surface forms and distinct lemmas among them, the
share of forms merged into another form's lemma (more merging: fewer split themes such
as "bolig"/"boligene"), the share of keyword tokens whose lemma is on spaCy's nb stop
list, and seconds. Then the most frequent disagreements, for reading.

    python -m bench.keyword_lemmas [--dataset sib|example] [--out bench/results/keyword_lemmas.md]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from bench.quality import DEFAULT_SIB, load_example, load_sib, spacy_stop_words
from fritekst import nlp

MODELS = Path(__file__).resolve().parents[1] / "models"


def keyword_pairs(texts: list[str], models_dir: Path) -> tuple[list[list[tuple[str, str]]], float, object]:
    """(lower-case form, lemma) of every keyword token, seconds for `keyword_slots`, and the
    pipeline source, with the pipeline found in `models_dir`."""
    previous = os.environ.get("FRITEKST_MODELS_DIR")
    os.environ["FRITEKST_MODELS_DIR"] = str(models_dir)
    nlp.load_pipeline.cache_clear()
    try:
        nlp.load_pipeline()  # loading is not what is timed
        started = time.perf_counter()
        slots = nlp.keyword_slots(texts)
        seconds = time.perf_counter() - started
        forms = [[form for form, _ in pairs] for pairs in nlp._forms_and_lemmas(texts)]
        source = nlp.pipeline_source()
    finally:
        if previous is None:
            os.environ.pop("FRITEKST_MODELS_DIR", None)
        else:
            os.environ["FRITEKST_MODELS_DIR"] = previous
        nlp.load_pipeline.cache_clear()
    pairs = [[(f, s) for f, s in zip(fs, ss) if s] for fs, ss in zip(forms, slots)]
    return pairs, seconds, source


def summary(pairs: list[list[tuple[str, str]]], stops: frozenset[str]) -> dict:
    flat = [p for text in pairs for p in text]
    forms = {f for f, _ in flat}
    lemmas = {lemma for _, lemma in flat}
    return {
        "keyword tokens": len(flat),
        "distinct forms": len(forms),
        "distinct lemmas": len(lemmas),
        "forms merged": 1 - len(lemmas) / len(forms) if forms else 0.0,
        "stop-word lemmas (spaCy nb list)": sum(lemma in stops for _, lemma in flat) / len(flat) if flat else 0.0,
    }


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", choices=("sib", "example"), default="sib")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--show", type=int, default=25)
    args = parser.parse_args(argv)
    if args.dataset == "sib":
        texts = load_sib(DEFAULT_SIB)["text"].tolist()
        title = "SIB-200 nob train+dev"
    else:
        texts = [t for frame in load_example().values() for t in frame["text"].tolist()]
        title = "the fictional example survey"
    stops = spacy_stop_words()
    rows, results = [], {}
    with tempfile.TemporaryDirectory() as empty:
        for name, folder in (("Ordbank lookup (blank nb)", Path(empty)), ("trained (models/)", MODELS)):
            pairs, seconds, source = keyword_pairs(texts, folder)
            results[name] = pairs
            rows.append({"pipeline": name, "source": Path(str(source)).name, **summary(pairs, stops), "seconds": seconds})
    table = pd.DataFrame(rows)
    lookup, trained = results.values()
    disagreements: Counter = Counter()
    agree = total = 0
    for a, b in zip(lookup, trained):
        by_form = dict(a)
        for form, lemma in b:
            if form in by_form:
                total += 1
                agree += by_form[form] == lemma
                if by_form[form] != lemma:
                    disagreements[(form, by_form[form], lemma)] += 1
    lines = [
        f"# Keyword lemmas on {title}: trained pipeline vs Ordbank lookup ({len(texts)} texts)\n",
        table.to_markdown(index=False, floatfmt=".3f"),
        f"\nKeyword tokens kept by both with the same lemma: {agree / total:.3f} of {total}.\n",
        "Most frequent disagreements (form: lookup → trained):\n",
        *[f"- {form}: {a} → {b} ({n})" for (form, a, b), n in disagreements.most_common(args.show)],
    ]
    out = args.out or Path(f"bench/results/keyword_lemmas_{args.dataset}.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return table


if __name__ == "__main__":
    main()
