"""Person names: a small protocol, a name list with capitalisation rules, and spaCy NER by name.

Norwegian capitalises little besides proper nouns, so a capitalised word inside a sentence
is a name, a place or an organisation. The ``list`` detector takes the names it can tell
from places: known first names (SSB's most common, plus a curated list; see
``fritekst/data/first_names_nb.txt``), known surnames, words next to them, and unknown
capitalised words after a person cue ("faren, Yusuf", "rådgiver Amal"). It leaves other
unknown capitalised words alone, since in survey answers those are mostly places
(Elverum, Ukraina) and bodies (Husbanken). Its recall is measured in
``tests/test_privacy.py`` (25 of 30 planted names; no false alarm in the example survey).

When the project's trained pipeline (``models/nb_fritekst``) or an ``nb_core_news_*``
package has an entity recogniser, ``spacy`` finds PER entities too; ``auto`` uses every
detector that is available.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

from fritekst.errors import InputError
from fritekst.privacy._capitals import capitalised, is_common_word, starts_sentence
from fritekst.privacy._entities import entity_findings, spacy_ner_available
from fritekst.privacy._identifiers import NAME, Finding
from fritekst.privacy._places import PERSON_LABELS, municipality_names


@runtime_checkable
class NameDetector(Protocol):
    """Finds person names; ``find`` returns one list of spans per text."""

    name: str

    def find(self, texts: Sequence[str]) -> list[list[Finding]]: ...


_REGISTRY: dict[str, Callable[[], NameDetector]] = {}


def register_name_detector(name: str, factory: Callable[[], NameDetector]) -> None:
    """Make ``factory()`` answer to ``name`` in :func:`get_name_detectors` and ``--names``."""
    _REGISTRY[name] = factory


def available_name_detectors() -> list[str]:
    """Registered detectors that can run here (``spacy`` only with an NER pipeline)."""
    _register_builtins()
    return [name for name in _REGISTRY if name != "spacy" or spacy_ner_available()]


def get_name_detectors(names: str | Sequence[str] = "auto") -> list[NameDetector]:
    """The detectors a config names: ``auto`` (all available), ``none``, or names like ``list``."""
    _register_builtins()
    if isinstance(names, str):
        names = [names]
    if list(names) == ["auto"]:
        names = available_name_detectors()
    if list(names) == ["none"]:
        return []
    unknown = [name for name in names if name not in _REGISTRY]
    if unknown:
        raise InputError(f"unknown name detector {unknown[0]!r}; choose auto, none or {', '.join(_REGISTRY)}")
    return [_REGISTRY[name]() for name in names]


# ---------------------------------------------------------------------------
# The list detector
# ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")

# Words before a person's name in survey answers: family, job titles, "heter".
PERSON_CUES = frozenset(
    """far faren mor moren mora sønn sønnen sonen datter datteren dottera kona kone mannen ektemannen
    barnet gutten guten jenta jenten bror broren søster søsteren onkel tante bestemor bestefar
    rådgiver rådgiveren rådgjevar konsulent konsulenten saksbehandler saksbehandleren kontaktperson
    kontaktpersonen kontakt leder lederen leiar koordinator koordinatoren kollega kollegaen
    deltaker deltakeren deltakar flyktningen tolken tolk lærer læreren veileder veilederen
    heter het kalt kalla v hr fru""".split()
)


def _names_file(name: str) -> frozenset[str]:
    from fritekst.nlp import _data_lines

    return frozenset(_data_lines(name))


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return _names_file("first_names_nb.txt")


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return _names_file("surnames_nb.txt")


def _known_first_name(word: str) -> bool:
    return all(part in first_names() for part in re.split(r"-", word))  # Anne-Lise


class ListNameDetector:
    """Names from the name lists plus capitalisation rules; needs no model."""

    name = "list"

    def find(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [self.find_one(text) for text in texts]

    def find_one(self, text: str) -> list[Finding]:
        words = list(_WORD.finditer(text))
        starts = [starts_sentence(text, w.start()) for w in words]
        is_name = [self._single(words, starts, i) for i in range(len(words))]
        # A capitalised word right after a name (surname, middle name) belongs to it, and so
        # does an unknown capitalised word right before one ("Nasra Abdi", "Helga Myhre").
        for i in range(1, len(words)):
            if is_name[i - 1] and capitalised(words[i].group()) and _joined(text, words[i - 1].end(), words[i].start()):
                is_name[i] = True
        for i in range(len(words) - 2, -1, -1):
            word = words[i].group()
            if is_name[i + 1] and capitalised(word) and not is_common_word(word) and _joined(text, words[i].end(), words[i + 1].start()):
                is_name[i] = True
        for start, end in _lower_case_names(text, words):
            is_name[start:end] = [True] * (end - start)
        return _merge(text, words, is_name)

    @staticmethod
    def _single(words, starts, i: int) -> bool:
        word = words[i].group()
        if not capitalised(word):
            return False
        common = is_common_word(word)
        after_cue = i > 0 and words[i - 1].group().lower() in PERSON_CUES
        next_word = words[i + 1].group() if i + 1 < len(words) else ""
        before_surname = next_word in surnames() or (capitalised(next_word) and not is_common_word(next_word))
        if _known_first_name(word):
            return not common or not starts[i] or before_surname or after_cue
        if word in surnames():
            return not common or after_cue
        return after_cue and not starts[i] and not common


def _listed(word: str, names: frozenset[str]) -> bool:
    """A lower-case word whose every part is on a name list: "kari", "anne-lise", "ødegård"."""
    return word.islower() and all(part.capitalize() in names for part in re.split(r"[-'’]", word))


def _lower_case_names(text: str, words) -> list[tuple[int, int]]:
    """Runs of words (start, end) that are a name written in lower case: one or two listed first
    names and then a listed surname ("kari nordmann", "per olav moen"), or a first name that is no
    common word and then a word no dictionary has ("ingrid haugstad").

    Capitals are what tell names in Norwegian, so without them only the lists can: a listed first
    name before a listed surname is rarely anything else. "per" and "hans" are also everyday
    words ("per dag", "hans strøm"), so after one of those alone the surname must be no word either.
    """
    from fritekst.nlp import STOP_WORDS

    runs, i = [], 0
    while i < len(words):
        j = i
        while j < len(words) and j - i < 3 and _listed(words[j].group(), first_names()) and (
                j == i or _joined(text, words[j - 1].end(), words[j].start())):
            j += 1
        # The surname follows the first names, or is the last of them ("mohammed ali": Ali is both).
        end = next((k for k in range(min(j, len(words) - 1), i, -1)
                    if _joined(text, words[k - 1].end(), words[k].start()) and _lower_surname(words, i, k, STOP_WORDS)), None)
        if end is None:
            i += 1
        else:
            runs.append((i, end + 1))
            i = end + 1
    return runs


def _lower_surname(words, first: int, last: int, stop_words: frozenset[str]) -> bool:
    """Whether ``words[last]`` completes the first names ``words[first:last]`` as a surname."""
    surname, given = words[last].group(), words[last - 1].group()
    if not surname.islower() or len(surname) < 2 or surname in stop_words:
        return False
    single_everyday = last - first == 1 and given in stop_words  # "per", "hans"
    if _listed(surname, surnames()):
        return not (single_everyday and is_common_word(surname))
    unknown = len(surname) >= 3 and not is_common_word(surname)
    return unknown and not single_everyday and not is_common_word(given)


def _joined(text: str, end: int, start: int) -> bool:
    """Two words belong to one name when only a space or a hyphen is between them."""
    return text[end:start] in (" ", "-")


def _merge(text: str, words, is_name: list[bool]) -> list[Finding]:
    """One span per run of name words ("Kari Nordmann", not "Kari" and "Nordmann")."""
    spans: list[Finding] = []
    for word, flag in zip(words, is_name):
        if flag and spans and _joined(text, spans[-1].end, word.start()):
            spans[-1] = Finding(spans[-1].start, word.end(), NAME)
        elif flag:
            spans.append(Finding(word.start(), word.end(), NAME))
    return spans


# ---------------------------------------------------------------------------
# The spaCy NER detector
# ---------------------------------------------------------------------------


class SpacyNameDetector:
    """PER entities from the pipeline ``fritekst.nlp.load_pipeline`` returns."""

    name = "spacy"

    def find(self, texts: Sequence[str]) -> list[list[Finding]]:
        return entity_findings(texts, PERSON_LABELS, NAME, keep=_plausible_name)


def _plausible_name(text: str) -> bool:
    """A one-word PER entity that is a common Norwegian word or a municipality and no known
    name ("Bustad", "Helse", "Sauda" at the start of a sentence), or a longer one that is a
    district's name ("Søndre Nordstrand"), is the model guessing from a capital letter; other
    entities of several words, a listed name or an unknown word stay names."""
    words = text.split()
    if len(words) != 1:
        return text not in municipality_names()  # "Søndre Nordstrand", an Oslo district
    word = words[0]
    if word in first_names() or word in surnames():
        return True
    return not is_common_word(word) and word not in municipality_names()


def _register_builtins() -> None:
    _REGISTRY.setdefault("list", ListNameDetector)
    _REGISTRY.setdefault("spacy", SpacyNameDetector)
