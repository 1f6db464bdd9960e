"""Person names among the words that label themes: a keyword is printed without its answer, in
themes.csv, in the codebook drafted from the themes and in the report's headings, where no mask
can follow it. So names are kept out of keywords rather than masked in them.

A word is a name here by the screen's own detectors, read over all the answers a keyword comes
from, or by the name lists: "kari" and "hansen" are no words, so they are names wherever they
occur. A name that is also an everyday word ("Liv", "Berg", "Per", "Dag") is dropped only where
the answers use it mostly as a name, so "liv" stays a keyword of answers about "et godt liv".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from fritekst.privacy._capitals import is_common_word
from fritekst.privacy._identifiers import NAME
from fritekst.privacy._names import _WORD, first_names, surnames
from fritekst.privacy._screen import Screen


def person_words(texts: Sequence[str], screen: Screen | None = None, cache=None) -> frozenset[str]:
    """Lower-case words that stand for persons in ``texts``: those the screen takes for (part of) a
    name in at least half the places they occur ("yusuf" in "Faren, Yusuf, …").

    The default screen uses the name lists only. With the entity recogniser (``names="auto"``)
    more names go (news text: 100 keywords naming a person -> 8, against 65 with the lists), but
    it runs the pipeline over every answer again (over 200 times the time) and took "NAV Indre
    Namdal" for a person, dropping two keywords of the example survey (``bench/results/privacy.md``).
    ``cache``: an ``EmbeddingCache`` keeping each text's findings (:meth:`Screen.find`)."""
    screen = screen or Screen(names="list")
    texts = list(texts)
    in_names, everywhere = Counter(), Counter()
    for text, spans in zip(texts, screen.find(texts, cache)):
        names = [span for span in spans if span.kind == NAME]
        for match in _WORD.finditer(text):
            word = match.group().lower()
            everywhere[word] += 1
            if any(span.start <= match.start() and match.end() <= span.end for span in names):
                in_names[word] += 1
    return frozenset(word for word, n in in_names.items() if 2 * n >= everywhere[word])


def listed_name(word: str) -> bool:
    """A word on the first-name or surname lists that is no common word: "kari", "hansen", not "liv"."""
    name = word.capitalize()
    return (name in first_names() or name in surnames()) and not is_common_word(word)


def is_person_keyword(keyword: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether a keyword (a lemma or phrase: "kari", "kari hjelp", "kari-saken") holds a person's
    name: one of ``names`` (from :func:`person_words`) or a listed name that is no common word.
    A genitive ("karis") is looked up without its s as well."""
    for part in re.split(r"[\s\-'’]+", keyword.lower()):
        for word in {part, part.removesuffix("s")} if len(part) > 3 else {part}:
            if word in names or listed_name(word):
                return True
    return False
