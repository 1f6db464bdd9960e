"""Fixed Norwegian text the three renderers share (headings, intro, quote attribution)."""

from __future__ import annotations

from itertools import groupby

import pandas as pd

INTRO = ("Utkast laget av fritekst: tall, fordelinger og forslag til sitater for avsnittet om åpne svar. "
         "Kategoriene kommer fra kodeboken, og sitatene er skjermet for personopplysninger. "
         "Les sitatene i sammenheng før de brukes.")
MASKED_HEADING = "Maskerte personopplysninger"
MASKED_INTRO = ("Disse sitatene inneholdt personopplysninger som er maskert i rapporten. "
                "Svarene selv er ikke endret; slå opp svar-id-en for å se sammenhengen.")


def question_heading(question) -> str:
    wave = f" ({question.wave})" if question.wave else ""
    return f"Spørsmål {question.question}{wave}"


def quote_source(quote: pd.Series) -> str:
    """"Integreringsansvarlig, 2025 (svar 2022; brukt før)": who said it, for the writer to check."""
    who = ", ".join(str(quote[c]) for c in ("role", "wave") if c in quote and str(quote[c]))
    extra = [f"svar {quote['id']}"]
    if quote.get("used"):
        extra.append("brukt i en tidligere rapport")
    if quote.get("masked"):
        extra.append(f"maskert: {quote['masked']}")
    return f"{who} ({'; '.join(extra)})" if who else f"({'; '.join(extra)})"


def section_groups(sections) -> list[tuple[str, list]]:
    """Sections under their group heading (two levels, as the reports use), the group with
    the most-mentioned category first; categories without a group stand alone."""
    order = {}
    for section in sections:
        order.setdefault(section.group or section.label, len(order))
    ranked = sorted(sections, key=lambda s: order[s.group or s.label])
    return [(group or "", list(items)) for group, items in groupby(ranked, key=lambda s: s.group)]
