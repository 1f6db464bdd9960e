"""What a capital letter tells in Norwegian text, for the name and place finders.

Norwegian capitalises little besides proper nouns and the first word of a sentence, so a
capitalised word inside a sentence is a name, a place or an organisation, and one at the start
of a sentence may be any word.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SENTENCE_ENDS = ".!?:;\n•*»\"–"


def starts_sentence(text: str, start: int) -> bool:
    """Capitals say nothing here: at the start of the text, a sentence, a line or a list item."""
    before = text[:start].rstrip(" \t(«\"'-")
    return not before or before[-1] in _SENTENCE_ENDS or bool(re.search(r"(?:^|\s)\d+[.)]$", before))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case forms in Norsk Ordbank (spacy-lookups-data) and the stop words.

    Ordbank writes its proper nouns with a capital ("Kari", "Hansen"), so the lower-case
    forms are the common words: "liv", "berg" and "per" are there, "kari" is not. Parsing
    Ordbank takes 2-3 s, a third of a warm re-run of 1 000 answers (bench/results/speed.md), so
    the forms are kept as a word list beside the embedding cache, one per version of the tables.
    """
    from fritekst.nlp import STOP_WORDS

    return _ordbank_common_forms() | STOP_WORDS


def _ordbank_common_forms() -> frozenset[str]:
    from importlib import metadata

    from fritekst.kept import kept_words

    return kept_words(f"ordbank_common_words-{metadata.version('spacy-lookups-data')}.txt", _parsed_common_forms)


def _parsed_common_forms() -> frozenset[str]:
    from fritekst.nlp import _read_lookups

    tables = _read_lookups("nb_lemma_exc.json.gz")
    return frozenset(form for table in tables.values() for form in table if form == form.lower())


def is_common_word(word: str) -> bool:
    """"Liv", "Berg" and "Per" may be names or words; "Kari" and "Hansen" are names."""
    return word.lower() in common_words()


def _parts(text: str) -> list[str]:
    return re.split(r"[\s\-'’]+", text)


def capitalised(word: str) -> bool:
    """Each part with an initial capital and no other: "Kari", "Anne-Lise" yes; "NAV", "IMDi", "nav" no."""
    return all(part[:1].isupper() for part in _parts(word)) and not has_inner_capital(word)


def has_inner_capital(text: str) -> bool:
    """A capital after a word's first letter, as acronyms and agency names have ("IMDi", "NAV")."""
    return any(any(c.isupper() for c in part[1:]) for part in _parts(text))
