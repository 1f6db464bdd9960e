"""Theme labels before and after issue 19: the keyword triplet beside the heading from the answers.

Themes are found once per question (seed 0, the run's defaults) on the example survey and on
SIB-200 nob train+dev; each theme is shown with the label fritekst gave before (three keywords,
lemmas as the keyword step gave them) and the label it gives now. Counted on both sides:
words that are no word (neither written in the answers nor listed by Norsk Ordbank: lemma
errors), labels that name one word twice in Bokmål and Nynorsk, and labels holding a generic
survey word or a place name.

    python -m bench.labels [--out bench/results/labels.md]
"""

from __future__ import annotations

import argparse
import re
import warnings
from pathlib import Path

import pandas as pd

from bench.quality import DEFAULT_SIB, load_example, load_sib
from fritekst import nlp
from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.privacy import is_person_keyword, person_words
from fritekst.privacy._places import find_places
from fritekst.themes import ThemeConfig, content_text, discover_themes, keyword_tokens
from fritekst.themes.keywords import display_keyword, theme_keywords, theme_label, written_forms
from fritekst.themes.labels import GENERIC_WORDS, NYNORSK_LEMMAS


def old_label(tokens, texts, labels, theme) -> str:
    """The label as fritekst made it before: the first three keywords, no merging, no heading."""
    forms = written_forms(texts)
    names = person_words(texts)
    keywords = theme_keywords(tokens, labels, 10, exclude=lambda w: is_person_keyword(w, names))[theme]
    return theme_label(tuple(display_keyword(w, forms) for w in keywords))


def label_faults(label: str, written: set[str], places: set[str]) -> dict[str, int]:
    """Counts for one label: non-words, Bokmål/Nynorsk doubles, generic words, place names."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", label)]
    table = nlp.lemma_table()
    lemmas = [nlp.lemma_of(w, table) for w in words]
    standard = [NYNORSK_LEMMAS.get(lemma, NYNORSK_LEMMAS.get(w, lemma)) for w, lemma in zip(words, lemmas)]
    doubled = any(standard[i] == standard[j] and words[i] != words[j]
                  for i in range(len(words)) for j in range(i + 1, len(words)))
    return {
        "lemma_errors": sum(w not in written and w not in table and not _compound(w, table) for w in words),
        "nb_nn_doubles": int(doubled),
        "generic": int(any(l in GENERIC_WORDS or w in GENERIC_WORDS for w, l in zip(words, lemmas))),
        "places": int(any(w in places for w in words)),
    }


def _compound(word: str, table: dict[str, str]) -> bool:
    """A compound of a word and an Ordbank lemma of 5+ letters ("flyktning|tjeneste")."""
    lemmas = _lemmas(id(table), table)
    return any(word[cut:] in lemmas for cut in range(3, len(word) - 4))


_LEMMAS: dict = {}


def _lemmas(key, table) -> frozenset[str]:
    if key not in _LEMMAS:
        _LEMMAS[key] = frozenset(table.values())
    return _LEMMAS[key]


def compare(name: str, texts: list[str], cache: EmbeddingCache) -> list[dict]:
    """Themes of ``texts`` with the label before and after (faults are counted later)."""
    tokens = keyword_tokens(texts)
    embedder = get_embedder("e5-small")
    vectors = embed_with_cache(embedder, texts, cache).vectors
    content = embed_with_cache(embedder, content_text(tokens, texts), cache).vectors
    result = discover_themes(vectors, tokens, texts, ThemeConfig(random_state=0), content)
    return [{"data": name, "theme": theme.theme_id, "answers": theme.size,
             "before": old_label(tokens, texts, result.labels, theme.theme_id), "after": theme.label}
            for theme in result.themes]


def with_faults(rows: list[dict], texts: list[str]) -> list[dict]:
    """``rows`` with the fault counts of both labels. Run after every theme is found: the entity
    recogniser's word vectors, once filled, change the pipeline's later lemmas and so the themes."""
    written = {part for text in texts for part in re.findall(r"[^\W\d_]+", text.lower())}
    # The capitalised words of the places found: "Møre og Romsdal" makes "møre" and "romsdal" places, not "og".
    places = {word.lower() for text, found in zip(texts, find_places(texts)) for f in found
              for word in re.findall(r"[^\W\d_]+", text[f.start:f.end]) if word[:1].isupper()}
    return [{**row, **{f"{k} {side}": v for side in ("before", "after")
                       for k, v in label_faults(row[side], written, places).items()}} for row in rows]


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--out", type=Path, default=Path("bench/results/labels.md"))
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    cache = EmbeddingCache()
    datasets = {question: data["text"].tolist() for question, data in load_example().items()}
    datasets["SIB-200 nob"] = load_sib(args.sib)["text"].tolist()
    found = {name: compare(name, texts, cache) for name, texts in datasets.items()}
    table = pd.DataFrame([row for name, texts in datasets.items() for row in with_faults(found[name], texts)])
    counts = ["lemma_errors", "nb_nn_doubles", "generic", "places"]
    totals = pd.DataFrame({"count": counts, "before": [int(table[f"{c} before"].sum()) for c in counts],
                           "after": [int(table[f"{c} after"].sum()) for c in counts]})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Theme labels before and after (issue 19, part 4)\n\n"
        "Themes of the example survey's three questions and of SIB-200 nob train+dev, found once (seed 0, "
        "default settings); *before* is the keyword triplet fritekst printed, *after* the label it prints now. "
        "Counts over all labels: words that are neither written in the answers, nor a Norsk Ordbank form, nor "
        "a compound ending in an Ordbank lemma (lemma errors), labels naming one word twice in Bokmål and Nynorsk, labels with a generic survey "
        "word (`fritekst.themes.labels.GENERIC_WORDS`), labels with a place name (a capitalised word of a place the privacy "
        "screen's place finder finds: the entity recogniser's places and the municipality list).\n\n"
        + totals.to_markdown(index=False) + "\n\n"
        + table[["data", "theme", "answers", "before", "after"]].to_markdown(index=False) + "\n",
        encoding="utf-8",
    )
    print(totals.to_string(index=False))
    print(table.drop(columns=["data", "answers"]).to_string(index=False))
    return table


if __name__ == "__main__":
    main()
