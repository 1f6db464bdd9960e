"""Theme labels side by side: the keyword triplet of before issue 19, the labels of an earlier
commit (``--before``; one whose themes come out the same, so at least 5d925f0, decision 026's
second build) and this checkout's.

Themes are found once per question (seed 0, the run's defaults: both views from one e5 pass) on the example survey and on
SIB-200 nob train+dev. The earlier commit's library is exported with ``git archive`` and this
file's driver runs it in a child process in the same run, on the same answers (its themes must
come out the same: only labels differ). Counted on every side: words that are no word (neither
written in the answers nor listed by Norsk Ordbank, nor a compound of an Ordbank word and an
Ordbank lemma: lemma errors), labels that name one word twice in Bokmål and Nynorsk, labels
holding a generic survey word, a place name, or only one word.

    python -m bench.labels [--before REF|none] [--out bench/results/labels.md]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from bench.app_speed import export
from bench.quality import DEFAULT_SIB, load_example, load_sib
from fritekst import nlp
from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.privacy import is_person_keyword, person_words
from fritekst.privacy._places import find_places
from fritekst.embed.e5 import split_views
from fritekst.themes import ThemeConfig, discover_themes, keyword_tokens
from fritekst.themes.keywords import display_keyword, theme_keywords, theme_label, written_forms
from fritekst.themes.labels import GENERIC_WORDS, NYNORSK_LEMMAS

ROOT = Path(__file__).resolve().parents[1]
# The labels with decision 026's second build of the content view (its weights squared, counted
# 1.5 times), for a later change to compare with. An earlier tree finds other themes.
BEFORE = "5d925f0"
SIDES = ("triplet", "before", "now")


def old_label(tokens, texts, labels, theme) -> str:
    """The label as fritekst made it before issue 19: the first three keywords, no merging, no heading."""
    forms = written_forms(texts)
    names = person_words(texts)
    keywords = theme_keywords(tokens, labels, 10, exclude=lambda w: is_person_keyword(w, names))[theme]
    return theme_label(tuple(display_keyword(w, forms) for w in keywords))


def label_faults(label: str, written: set[str], places: set[str]) -> dict[str, int]:
    """Counts for one label: non-words, Bokmål/Nynorsk doubles, generic words, place names, one word alone."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", label)]
    table = nlp.lemma_table()
    lemmas = [nlp.lemma_of(w, table) for w in words]
    standard = [NYNORSK_LEMMAS.get(lemma, NYNORSK_LEMMAS.get(w, lemma)) for w, lemma in zip(words, lemmas)]
    doubled = any(standard[i] == standard[j] and words[i] != words[j]
                  for i in range(len(words)) for j in range(i + 1, len(words)))
    return {
        "lemma_errors": sum(w not in written and w not in table and not is_compound(w, table) for w in words),
        "nb_nn_doubles": int(doubled),
        "generic": int(any(l in GENERIC_WORDS or w in GENERIC_WORDS for w, l in zip(words, lemmas))),
        "places": int(any(w in places for w in words)),
        "one_word": int(len(words) == 1),
    }


def is_compound(word: str, table: dict[str, str]) -> bool:
    """A compound Ordbank spells out: a last part that is an Ordbank lemma («lov»), after a first
    part that is an Ordbank form or lemma, maybe with a joining s or e («integrering|s|lov»).
    «flyktningtjenest» is not one: «tjenest» is no lemma (the lemma is «tjeneste»)."""
    lemmas = _lemmas(table)
    for cut in range(3, len(word) - 2):
        first, last = word[:cut], word[cut:]
        if last in lemmas and any(part in table or part in lemmas
                                  for part in (first, first[:-1] if first[-1] in "se" else first)):
            return True
    return False


_LEMMAS: dict = {}


def _lemmas(table) -> frozenset[str]:
    if id(table) not in _LEMMAS:
        _LEMMAS[id(table)] = frozenset(table.values())
    return _LEMMAS[id(table)]


def themes_of(name: str, texts: list[str], cache: EmbeddingCache) -> list[dict]:
    """Themes of ``texts`` (seed 0) with their label from this tree's library, and the keyword triplet."""
    tokens = keyword_tokens(texts)
    embedder = get_embedder("e5-small+content")
    vectors, content = split_views(embed_with_cache(embedder, texts, cache).vectors)
    result = discover_themes(vectors, tokens, texts, ThemeConfig(random_state=0), content,
                             content_weight=embedder.content_weight)
    return [{"data": name, "theme": theme.theme_id, "answers": theme.size, "label": theme.label,
             "triplet": old_label(tokens, texts, result.labels, theme.theme_id)}
            for theme in result.themes]


def with_faults(rows: list[dict], texts: list[str]) -> list[dict]:
    """``rows`` with the fault counts of every side's label. Run after every theme is found: the
    entity recogniser's word vectors, once filled, change the pipeline's later lemmas and so the themes."""
    from fritekst.privacy._places import country_names

    written = {part for text in texts for part in re.findall(r"[^\W\d_]+", text.lower())}
    # The capitalised words of the places found: "Møre og Romsdal" makes "møre" and "romsdal" places, not "og".
    # Countries by name or code too: the place finder leaves acronyms («USA») to agencies.
    places = {word.lower() for text, found in zip(texts, find_places(texts)) for f in found
              for word in re.findall(r"[^\W\d_]+", text[f.start:f.end]) if word[:1].isupper()}
    places |= {word.lower() for text in texts for word in re.findall(r"[^\W\d_]+", text) if word in country_names()}
    return [{**row, **{f"{k} {side}": v for side in SIDES
                       for k, v in label_faults(row[side], written, places).items()}} for row in rows]


def datasets(sib: Path) -> dict[str, list[str]]:
    found = {question: data["text"].tolist() for question, data in load_example().items()}
    found["SIB-200 nob"] = load_sib(sib)["text"].tolist()
    return found


def labels_at(ref: str, sib: Path) -> dict[tuple[str, int], tuple[int, str]]:
    """(data, theme) -> (answers, label) as the library at ``ref`` labels the same themes, run by
    this file's driver in a child process importing ``fritekst`` from ``ref``'s tree."""
    with tempfile.TemporaryDirectory() as folder:
        tree = export(ref, Path(folder) / "tree")
        out = Path(folder) / "labels.json"
        subprocess.run([sys.executable, "-W", "ignore", str(Path(__file__).resolve()), "--child", str(out),
                        "--sib", str(sib.resolve())], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                       check=True, stdout=subprocess.DEVNULL)
        rows = json.loads(out.read_text(encoding="utf-8"))
    return {(row["data"], row["theme"]): (row["answers"], row["label"]) for row in rows}


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sib", type=Path, default=DEFAULT_SIB)
    parser.add_argument("--before", default=BEFORE, help="git revision to compare with, or 'none'")
    parser.add_argument("--out", type=Path, default=Path("bench/results/labels.md"))
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # child: write this tree's labels here
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    texts = datasets(args.sib)
    if args.child:
        cache = EmbeddingCache()
        rows = [row for name, answers in texts.items() for row in themes_of(name, answers, cache)]
        args.child.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        return pd.DataFrame(rows)
    before = None if args.before.lower() == "none" else args.before
    earlier = labels_at(before, args.sib) if before else {}
    cache = EmbeddingCache()
    found = {name: themes_of(name, answers, cache) for name, answers in texts.items()}
    for row in (row for rows in found.values() for row in rows):
        answers, label = earlier.get((row["data"], row["theme"]), (row["answers"], ""))
        if answers != row["answers"]:
            raise SystemExit(f"{row['data']} theme {row['theme']}: {answers} answers at {before}, "
                             f"{row['answers']} now; the themes differ, so the labels cannot be compared")
        row.update(before=label, now=row.pop("label"))
    table = pd.DataFrame([row for name, answers in texts.items() for row in with_faults(found[name], answers)])
    counts = ["lemma_errors", "nb_nn_doubles", "generic", "places", "one_word"]
    sides = SIDES if before else tuple(side for side in SIDES if side != "before")
    totals = pd.DataFrame({"count": counts, **{side: [int(table[f"{c} {side}"].sum()) for c in counts]
                                               for side in sides}})
    totals = totals.rename(columns={"triplet": "keyword triplet", "before": f"before ({before})"})
    listed = table[["data", "theme", "answers", *sides]].rename(
        columns={"triplet": "keyword triplet (before issue 19)", "before": f"before ({before})", "now": "now"})
    compared = (f"*before* the label commit {before} printed (its library exported with `git archive` and run in "
                "the same session on the same themes), " if before else "")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Theme labels side by side (issue 19, part 4)\n\n"
        "Themes of the example survey's three questions and of SIB-200 nob train+dev, found once (seed 0, "
        f"default settings). *Keyword triplet* is the label fritekst printed before issue 19, {compared}"
        "*now* the label this checkout prints. Counts over all labels: words that are neither written in "
        "the answers, nor a Norsk Ordbank form, nor a compound of an Ordbank form and an Ordbank lemma (lemma "
        "errors), labels naming one word twice in Bokmål and Nynorsk, labels with a generic survey word "
        "(`fritekst.themes.labels.GENERIC_WORDS` at this checkout, time words included), labels with a place name "
        "(a capitalised word of a place the privacy screen's place finder finds: the entity recogniser's places and "
        "the municipality list; and a country's name or code as pycountry lists it), labels of one word alone.\n\n"
        + totals.to_markdown(index=False) + "\n\n" + listed.to_markdown(index=False) + "\n",
        encoding="utf-8",
    )
    print(totals.to_string(index=False))
    print(table[["theme", *sides]].to_string(index=False))
    return table


if __name__ == "__main__":
    main()
