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

    python -m bench.privacy [--out bench/results/privacy.md]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import pandas as pd

from bench.quality import EXAMPLE_KEY
from fritekst.privacy import PLACE, Screen
from fritekst.privacy._entities import _entities, entity_findings
from fritekst.privacy._places import PLACE_LABELS
from fritekst.privacy._screen import _without_overlaps

AGENCIES = ("IMDi", "NAV", "Husbanken", "UDI", "Statsforvalteren")


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
    lines = [
        f"# Privacy screen on the fictional example survey ({len(key)} answers)\n",
        table.to_markdown(index=False, floatfmt=".2f"),
        "\nOne of the four answers with a name has it only in an e-mail address, which is masked as [e-post].",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return table


if __name__ == "__main__":
    main()
