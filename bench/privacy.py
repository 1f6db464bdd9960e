"""The privacy screen on the fictional example survey: what it masks, what it leaves, how fast.

The answer key (``examples/kommuneundersokelsen_fiktiv_fasit.csv``) says which answers name a
person (``personopplysninger``), and its ``kommune`` column is the respondent's own
municipality: the place that identifies the respondent when a quote names it. Per setting:

- answers with a person's name given a ``[navn]``, and answers without one given one all the same;
- answers that name their own municipality, and how many still show it once screened;
- places masked, and how many of them were agencies (IMDi, NAV) lost to ``[sted]``;
- seconds per 1 000 answers (the entity pass is timed with the screen; the pipeline is loaded first).

The baseline in the same run, "recogniser's places", is the places step as it was before the
municipality list: the entity recogniser's place types alone.

A second table measures what issue 14 added, each beside the screen without it in the same run:

- names written in lower case: NorNE's person names of two words or more (UD Bokmål dev + test,
  ``../shared/data/norne``), lower-cased in their sentence, masked; sentences without a person,
  lower-cased, given a ``[navn]`` all the same; the example survey's name-free answers likewise;
- e-mail addresses written around the @ ("ola (at) kommune.no"): planted forms masked, and
  addresses found in NorNE's sentences and the example survey, where "at" is everywhere;
- role and attribute values: the example survey's distinct values masked and columns refused,
  and two columns made for the purpose (respondents' e-mail addresses and names) refused;
- theme keywords: keywords dropped as names on the example survey (its planned themes per
  question), and, on NorNE news documents taken as themes, keywords naming a person (a word
  NorNE tags as part of a person in most of its occurrences) before and after, with the drops
  that named no one. With ``--names list`` (the default for keywords) and ``auto``.

Only counts are written: NorNE's sentences may not be republished.

    python -m bench.privacy [--out bench/results/privacy.md]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import re
import time
from collections import Counter
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

from bench.quality import EXAMPLE_KEY
from fritekst.privacy import EMAIL, NAME, PLACE, Screen, find_emails, is_person_keyword, person_words, screen_columns
from fritekst.privacy._identifiers import _EMAIL
from fritekst.privacy._names import first_names, surnames
from fritekst.privacy._entities import _entities, entity_findings
from fritekst.privacy._places import PLACE_LABELS
from fritekst.privacy._screen import _without_overlaps

AGENCIES = ("IMDi", "NAV", "Husbanken", "UDI", "Statsforvalteren")
NORNE = Path(__file__).resolve().parents[2] / "shared" / "data" / "norne"
ATTRIBUTES = ["rolle", "kommunenr", "kommune", "storrelse", "sentralitet", "landsdel", "bosetter_flyktninger"]


def _own_municipality(kommune: str) -> str:
    """ "Oslo (bydel Alna)" -> "Alna": the unit that answered."""
    match = re.search(r"\(bydel ([^)]+)\)", kommune)
    return match.group(1) if match else kommune


def _recogniser_places(screen: Screen, texts: list[str]) -> list[list]:
    """The baseline: names as ``screen`` finds them, places from the recogniser's labels only."""
    places = entity_findings(texts, PLACE_LABELS, PLACE)
    return [_without_overlaps(a + b) for a, b in zip(screen.find(texts), places)]


def measure(name: str, find, key: pd.DataFrame) -> dict:
    texts = key["tekst"].tolist()
    seconds = float("inf")
    for _ in range(2):  # the faster of two runs: the first may still load word lists
        _entities.cache_clear()
        started = time.perf_counter()
        found = find(texts)
        seconds = min(seconds, time.perf_counter() - started)
    visible = [_visible(text, spans) for text, spans in zip(texts, found)]
    named = key["personopplysninger"].str.contains("navn")
    own = key["kommune"].map(_own_municipality)
    names_own = [bool(re.search(rf"(?<!\w){re.escape(o)}(?!\w)", t)) for t, o in zip(texts, own)]
    places = [t[f.start : f.end] for t, spans in zip(texts, found) for f in spans if f.kind == PLACE]
    return {
        "setting": name,
        "answers with a name: given [navn]": f"{sum('navn' in [f.kind for f in spans] for spans, n in zip(found, named) if n)}/{named.sum()}",
        "answers without: given [navn]": f"{sum('navn' in [f.kind for f in spans] for spans, n in zip(found, named) if not n)}/{(~named).sum()}",
        "naming own municipality: still shown": f"{sum(o in v for o, v, n in zip(own, visible, names_own) if n)}/{sum(names_own)}",
        "places masked": len(places),
        "agencies masked as places": sum(any(a in p for a in AGENCIES) for p in places),
        "seconds per 1 000": 1000 * seconds / len(texts),
    }


def _visible(text: str, spans) -> str:
    return "".join(text[start:end] for start, end in zip([0] + [s.end for s in spans], [s.start for s in spans] + [len(text)]))


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench/results/privacy.md"))
    args = parser.parse_args(argv)
    key = pd.read_csv(EXAMPLE_KEY, dtype=str, keep_default_na=False)
    key = key[key["tekst"].str.strip() != ""].reset_index(drop=True)
    Screen(names="auto").find(["Kari bor i Oslo."])  # load the pipeline and the word lists first
    auto = Screen(names="auto")
    settings = {
        "names: list": Screen(names="list").find,
        "names: auto (list + recogniser)": auto.find,
        "auto + recogniser's places (baseline)": lambda texts: _recogniser_places(auto, texts),
        "auto + --mask-places": Screen(names="auto", places=True).find,
    }
    table = pd.DataFrame([measure(name, find, key) for name, find in settings.items()])
    added = pd.DataFrame(issue_14(key))
    lines = [
        f"# Privacy screen on the fictional example survey ({len(key)} answers)\n",
        table.to_markdown(index=False, floatfmt=".2f"),
        "\nOne of the four answers with a name has it only in an e-mail address, which is masked as [e-post].",
        "\n## Lower-case names, e-mails around the @, role and attribute values, names in keywords (issue 14)\n",
        "Before: the screen without the addition, in the same run (no lower-case pass; the @ regex alone; "
        "values printed as they are; keywords without the name filter).\n",
        added.to_markdown(index=False),
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return table


# ---------------------------------------------------------------------------
# Issue 14: lower-case names, e-mails around the @, attribute values, keywords
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def _without_additions():
    """The screen as it was: no lower-case names, e-mail addresses only with a bare @."""
    from fritekst.privacy import Finding
    from fritekst.privacy._identifiers import IDENTIFIER_FINDERS

    def bare_at(text):
        return [Finding(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]

    finders = tuple(bare_at if finder is find_emails else finder for finder in IDENTIFIER_FINDERS)
    with mock.patch("fritekst.privacy._names._lower_case_names", lambda text, words: []), \
            mock.patch("fritekst.privacy._screen.IDENTIFIER_FINDERS", finders):
        yield


def _conllu(path: Path):
    """(text, [(form, is part of a person)]) per sentence of a CoNLL-U file with NorNE's entities."""
    text, tokens = None, []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# text = "):
            text, tokens = line[len("# text = "):], []
        elif not line.strip():
            if text is not None:
                yield text, tokens
            text = None
        elif not line.startswith("#"):
            columns = line.split("\t")
            if columns[0].isdigit():
                tokens.append((columns[1], "-PER" in columns[9]))


def _norne_sentences() -> list[tuple[str, list]]:
    return [s for split in ("dev", "test") for s in _conllu(NORNE / "ud" / "nob" / f"no_bokmaal-ud-{split}.conllu")]


def _persons(sentences) -> list[tuple[str, str]]:
    """(sentence, person name) for NorNE's persons of two words or more, as written in the sentence."""
    found = []
    for text, tokens in sentences:
        runs = [list(g) for flag, g in itertools.groupby(tokens, key=lambda t: t[1]) if flag]
        found += [(text, " ".join(w for w, _ in run)) for run in runs if len(run) >= 2 and " ".join(w for w, _ in run) in text]
    return found


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total}"


def _lower_case_rows(screen: Screen, key: pd.DataFrame, sentences) -> list[dict]:
    persons = _persons(sentences)
    lowered = [text.replace(name, name.lower()) for text, name in persons]
    no_person = [text.lower() for text, tokens in sentences if not any(p for _, p in tokens)]
    free = [t.lower() for t, n in zip(key["tekst"], key["personopplysninger"].str.contains("navn")) if not n]

    def masked_names(texts):
        return [m.text for m in screen.mask(texts)]

    def covered(text, name, spans):  # every character of the name inside a [navn]
        start = text.index(name)
        return all(any(f.kind == NAME and f.start <= i < f.end for f in spans) for i in range(start, start + len(name)))

    def measure_all():
        hidden = sum(covered(t, n.lower(), spans) for t, (_, n), spans in zip(lowered, persons, screen.find(lowered)))
        return (hidden, sum("[navn]" in m for m in masked_names(no_person)), sum("[navn]" in m for m in masked_names(free)))

    with _without_additions():
        before = measure_all()
    after = measure_all()
    return [
        {"measure": "lower-case person names (2+ words) masked", "data": "NorNE UD Bokmål dev+test",
         "before": _share(before[0], len(persons)), "after": _share(after[0], len(persons))},
        {"measure": "sentences without a person, lower-cased, given [navn]", "data": "NorNE UD Bokmål dev+test",
         "before": _share(before[1], len(no_person)), "after": _share(after[1], len(no_person))},
        {"measure": "name-free answers, lower-cased, given [navn]", "data": "example survey",
         "before": _share(before[2], len(free)), "after": _share(after[2], len(free))},
    ]


PLANTED_EMAILS = ["{l} (at) {d}", "{l}[at]{d}", "{l}(a){d}", "{l} @ {d}", "{l} at {dot}", "{l} at {d}",
                  "{l} (krøllalfa) {d}", "{l} krøllalfa {dot}"]


def _email_rows(key: pd.DataFrame, sentences) -> list[dict]:
    planted = []
    for form, local, domain in itertools.product(PLANTED_EMAILS, ["ola", "kari.nordmann", "k.hansen"],
                                                   ["kommune.no", "bydel.oslo.kommune.no", "imdi.no"]):
        address = form.format(l=local, d=domain, dot=domain.replace(".", " dot "))
        planted.append(f"Skriv til {address} om dere lurer på noe.")
    corpora = {"planted forms (8 × 9)": planted, "NorNE UD Bokmål dev+test": [t for t, _ in sentences],
               "example survey": key["tekst"].tolist()}
    screen = Screen(names="none")
    rows = []
    for data, texts in corpora.items():
        with _without_additions():
            before = sum(len([k for k in m.kinds if k == EMAIL]) for m in screen.mask(texts))
        after = sum(len([k for k in m.kinds if k == EMAIL]) for m in screen.mask(texts))
        what = "addresses masked" if data.startswith("planted") else "e-mail addresses found"
        rows.append({"measure": what, "data": data, "before": _share(before, len(texts)) if what == "addresses masked" else str(before),
                     "after": _share(after, len(texts)) if what == "addresses masked" else str(after)})
    return rows


def _attribute_rows(screen: Screen) -> list[dict]:
    survey = pd.read_excel(EXAMPLE_KEY.parent / "kommuneundersokelsen_fiktiv.xlsx", dtype=str).fillna("")
    values = sum(survey[c].replace("", pd.NA).nunique() for c in ATTRIBUTES)
    screened, refused = screen_columns(survey, ATTRIBUTES, screen)
    changed = sum(len(set(survey[c]) - set(screened[c])) for c in ATTRIBUTES if c not in refused)
    made = pd.DataFrame({
        "epost": [f"respondent{i}@kommune{i % 7}.example" for i in range(60)],
        "navn": [f"{f} {s}" for f, s in itertools.islice(zip(itertools.cycle(sorted(first_names())), sorted(surnames()) * 2), 60)],
    })
    _, made_refused = screen_columns(made, ["epost", "navn"], screen)
    return [
        {"measure": "role and attribute values masked", "data": f"example survey ({len(ATTRIBUTES)} columns)",
         "before": _share(0, values), "after": _share(changed, values)},
        {"measure": "columns refused (not split by, not beside quotes)", "data": f"example survey ({len(ATTRIBUTES)} columns)",
         "before": _share(0, len(ATTRIBUTES)), "after": _share(len(refused), len(ATTRIBUTES))},
        {"measure": "columns refused", "data": "made: respondents' e-mails, respondents' names",
         "before": "0/2", "after": _share(len(made_refused), 2)},
    ]


def _norne_documents(every: int = 6) -> tuple[list[str], np.ndarray, frozenset[str]]:
    """Every ``every``-th NDT Bokmål document as a theme: its sentences, their theme, and the words
    NorNE tags as part of a person in most of their occurrences."""
    texts, labels, in_person, everywhere = [], [], Counter(), Counter()
    for theme, path in enumerate(sorted((NORNE / "ndt" / "nob").glob("*.conll"))[::every]):
        sentence = []
        for line in path.read_text(encoding="utf-8").splitlines() + [""]:
            columns = line.split("\t")
            if len(columns) >= 10:
                sentence.append(columns[1])
                everywhere[columns[1].lower()] += 1
                in_person[columns[1].lower()] += "PER" in columns[9]
            elif sentence:
                texts.append(" ".join(sentence))
                labels.append(theme)
                sentence = []
    names = frozenset(w for w, n in in_person.items() if 2 * n >= everywhere[w] and n)
    return texts, np.array(labels), names


def _keyword_rows(key: pd.DataFrame) -> list[dict]:
    from fritekst.themes import keyword_tokens
    from fritekst.themes.keywords import theme_keywords

    rows = []
    answered = key[key["ikke_svar"] != "1"]
    example = []
    for _, group in answered.groupby("sporsmal"):
        themes = sorted(set(group["tema"]))
        example.append((group["tekst"].tolist(), np.array([themes.index(t) for t in group["tema"]])))
    texts, labels, gold = _norne_documents()
    norne_tokens = keyword_tokens(texts)
    example_tokens = [keyword_tokens(t) for t, _ in example]

    def names_in(keywords):
        return sum(any(part in gold for part in re.split(r"[\s\-]+", k)) for k in keywords)

    for names in ("list", "auto"):
        screen = Screen(names=names)
        kept = dropped = 0
        for (t, l), tokens in zip(example, example_tokens):
            found = person_words(t, screen)
            before, after = theme_keywords(tokens, l, 10), theme_keywords(tokens, l, 10, exclude=lambda w: is_person_keyword(w, found))
            kept += sum(len(v) for v in before.values())
            dropped += sum(len(set(before[th]) - set(after[th])) for th in before)
        rows.append({"measure": f"keywords dropped as names, --names {names} (no planned keyword names a person)", "data": "example survey, planned themes",
                     "before": _share(0, kept), "after": _share(dropped, kept)})
        started = time.perf_counter()
        found = person_words(texts, screen)
        seconds = time.perf_counter() - started
        before = theme_keywords(norne_tokens, labels, 10)
        after = theme_keywords(norne_tokens, labels, 10, exclude=lambda w: is_person_keyword(w, found))
        flat_before = [k for th in before for k in before[th]]
        flat_after = [k for th in after for k in after[th]]
        false_drops = [k for th in before for k in before[th] if k not in after[th] and not names_in([k])]
        rows.append({"measure": f"keywords naming a person, --names {names} ({len(false_drops)} dropped naming no one; "
                                f"{1000 * seconds / len(texts):.1f} s per 1 000 sentences)",
                     "data": f"NorNE: {len(set(labels))} news documents as themes",
                     "before": _share(names_in(flat_before), len(flat_before)), "after": _share(names_in(flat_after), len(flat_after))})
    return rows


def issue_14(key: pd.DataFrame) -> list[dict]:
    sentences = _norne_sentences()
    screen = Screen(names="list")
    return (_lower_case_rows(screen, key, sentences) + _email_rows(key, sentences)
            + _attribute_rows(Screen(names="auto")) + _keyword_rows(key))


if __name__ == "__main__":
    main()
