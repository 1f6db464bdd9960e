"""Places, for a screen asked to mask them: the entity recogniser's places and every
Norwegian municipality's name.

Places are optional because a municipality's name is what a report is about, and usually
harmless; in a survey of municipalities, though, "Tydal bosetter ikke flyktninger" names the
respondent. NorNE's place types are masked: GPE_LOC (a municipality or country as a place),
GPE_ORG (one acting as a body: "Levanger kommune") and LOC (other places); organisations (ORG:
NAV, Husbanken) are not. The recogniser misses some municipalities inside a sentence ("i Frosta
og Grong"), and those are the names that identify a respondent, so the list
``fritekst/data/municipalities_no.txt`` is matched as well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from fritekst.errors import InputError
from fritekst.privacy._capitals import has_inner_capital, is_common_word, starts_sentence
from fritekst.privacy._entities import entity_findings, spacy_ner_available
from fritekst.privacy._identifiers import PLACE, Finding

PLACE_LABELS = ("GPE_LOC", "GPE_ORG", "LOC", "GPE")  # GPE: pipelines trained on OntoNotes-style labels
PERSON_LABELS = ("PER", "PERSON")


@lru_cache(maxsize=1)
def municipality_names() -> frozenset[str]:
    """Official names of Norway's municipalities (Norwegian, Sami and Kven; current and merged
    away since 2018) and of Oslo's districts, as written."""
    from fritekst.nlp import _data_lines

    return frozenset(_data_lines("municipalities_no.txt"))


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Countries as Norwegian answers write them: the Bokmål and Nynorsk short names of ISO 3166
    (pycountry's translations: "Tyskland", "Storbritannia"; "Korea" for "Korea, Republikken") and
    the three-letter codes, which answers write as acronyms ("USA"): an acronym reads like an
    agency (NAV, IMDi), so without the list "USA" passed as one into theme labels."""
    import gettext

    import pycountry

    names = set()
    for language in ("nb", "nn"):
        translate = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
        for country in pycountry.countries:
            name = translate(country.name)
            names.update({name, name.split(",")[0]})
    return frozenset(names | {country.alpha_3 for country in pycountry.countries})


@lru_cache(maxsize=1)
def _municipality_pattern() -> re.Pattern[str]:
    names = sorted(municipality_names(), key=lambda name: (-len(name), name))  # "Nord-Fron" before "Fron"
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")


def find_municipalities(text: str) -> list[Finding]:
    """Municipality names written as names. At the start of a sentence a name that is also a
    common word ("Time", "Strand", "Vik") is left alone, since there the capital says nothing."""
    return [
        Finding(match.start(), match.end(), PLACE)
        for match in _municipality_pattern().finditer(text)
        if not (starts_sentence(text, match.start()) and is_common_word(match.group()))
    ]


def _not_an_acronym(text: str) -> bool:
    """The recogniser sometimes calls an agency a place ("IMDi", "NAV Levanger"). A word with
    a capital after its first letter names an organisation, and those identify no one."""
    return not has_inner_capital(text)


def require_place_finder() -> None:
    """Refuse to mask places where no pipeline with an entity recogniser is found, since masking
    only the municipalities would look like masking every place."""
    if not spacy_ner_available():
        raise InputError(
            "masking places needs a Norwegian pipeline with an entity recogniser "
            "(models/nb_fritekst or an installed nb_core_news_*); none was found",
            column="--mask-places",
        )


def find_places(texts: Sequence[str]) -> list[list[Finding]]:
    """Places per text (:func:`require_place_finder`)."""
    require_place_finder()
    places = entity_findings(texts, PLACE_LABELS, PLACE, keep=_not_an_acronym)
    # "Røst er en liten øykommune": the recogniser calls a sentence-initial municipality a
    # person, and the name detector drops it as one, so it is a place.
    taken_for_persons = entity_findings(texts, PERSON_LABELS, PLACE, keep=municipality_names().__contains__)
    return [a + b + find_municipalities(text) for text, a, b in zip(texts, places, taken_for_persons)]
