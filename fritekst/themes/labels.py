"""Theme labels in words an analyst would write: a short noun phrase from the answers themselves.

A keyword triplet («Flyktningtjenest, erfaring og fast tverrfaglig») is a list, not a heading, and
shows lemmas no respondent wrote. The analysts' own headings are noun phrases: «behov for tolk»,
«mangel på boliger». So the label is the noun phrase (``NOUN``, ``ADJ NOUN``, ``NOUN ADP NOUN``,
tagged by the pipeline :mod:`fritekst.nlp` loads) found in most of a theme's answers and in few of
the other themes' answers, shown as the answers most often write it. Place names, persons and
generic survey words never make a label (they may stay among the keywords); Bokmål and Nynorsk
forms of one word count as one (:data:`NYNORSK_LEMMAS`). Where no phrase covers enough of a theme,
or the pipeline has no tagger, the keyword triplet stands in (see docs/decisions/021).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from fritekst import nlp

# Words that say nothing about a theme in survey answers: they occur in every theme of a
# question about municipalities and integration, so a label made of them («Sted, generelt og
# tog», «Person») tells the analyst nothing. Lemmas, Bokmål and Nynorsk.
GENERIC_WORDS = frozenset(
    """
    behov bit del eksempel form forhold gang generell generelt grad kommune land måte mengde
    menneske område person problem ressurs sak side situasjon sted stor tid ting trenge type
    utfordring ønske nivå tilfelle antall
    """.split()
)

# Nynorsk lemmas that are another form of a Bokmål lemma fritekst's answers use, so that one word
# is counted once and shown once («vaksenopplæring» and «voksenopplæring»). A small explicit
# list for labels; the general normalisation of Nynorsk is fritekst.clean's.
NYNORSK_LEMMAS = {
    "vaksenopplæring": "voksenopplæring",
    "vaksen": "voksen",
    "bustad": "bolig",
    "busetjing": "bosetting",
    "busetting": "bosetting",
    "kommunar": "kommune",
    "tilskot": "tilskudd",
    "tenesta": "tjeneste",
    "teneste": "tjeneste",
    "flyktningteneste": "flyktningtjeneste",
    "skule": "skole",
    "tilsett": "ansatt",
    "tolketeneste": "tolketjeneste",
    "frivilligheit": "frivillighet",
    "heim": "hjem",
    "utleigar": "utleier",
    "leilegheit": "leilighet",
    "husleige": "husleie",
    "rettleiing": "veiledning",
    "rettleiar": "veileder",
    "tilbod": "tilbud",
    "helseteneste": "helsetjeneste",
    "arbeidsgjevar": "arbeidsgiver",
}

# Prepositions that join two nouns into a heading («behov for tolk», «mangel på boliger»).
JOINING_ADPOSITIONS = frozenset({"for", "på", "av", "til", "med", "om", "i", "fra", "frå", "mellom", "innen", "rundt"})

# A phrase labels a theme when it is in at least this share of the theme's answers (and in two
# or more); below that the keyword triplet says more.
MIN_COVERAGE = 0.1
# ... and when the theme holds it this many times more often than the question's answers at
# large: «bolig» in 85 % of a theme but in 64 % of all answers to "what hinders settlement?"
# is the question's subject, not the theme's.
MIN_LIFT = 1.5
# A heading stands for its theme when its phrases are in this share of the theme's answers
# together; a lone «By» over a fifth of a theme says less than three keywords.
MIN_HEADING_COVERAGE = 0.2
# A two- or three-word phrase reads as a heading where one noun reads as a tag: it wins over its
# own head noun unless the noun covers this many times more answers.
PHRASE_BONUS = {1: 1.0, 2: 1.6, 3: 2.0}


def nb_lemma(lemma: str) -> str:
    """The Bokmål lemma ``lemma`` stands for (itself when it is Bokmål or not on the list)."""
    return NYNORSK_LEMMAS.get(lemma, lemma)


def is_place_or_name(word: nlp.Word) -> bool:
    """A proper noun that is not an acronym (NAV, IMDi name agencies, which make good headings)."""
    if word.pos != "PROPN":
        return word.text.lower() in _municipalities()
    return not any(ch.isupper() for ch in word.text[1:])


def place_lemmas(words: Sequence[Sequence[nlp.Word]]) -> frozenset[str]:
    """Lower-case lemmas and forms the answers use as place (or person) names at least half the time."""
    named, everywhere = Counter(), Counter()
    for text in words:
        for word in text:
            for key in {word.lemma, word.text.lower()}:
                everywhere[key] += 1
                named[key] += is_place_or_name(word)
    return frozenset(key for key, n in named.items() if 2 * n >= everywhere[key])


def unfit_for_label(places: frozenset[str]) -> Callable[[str], bool]:
    """Whether a keyword (as displayed) holds a place name or is only generic words."""
    def unfit(keyword: str) -> bool:
        parts = [nb_lemma(part) for part in keyword.lower().split()]
        return any(part in places for part in parts) or all(part in GENERIC_WORDS for part in parts)
    return unfit


@lru_cache(maxsize=1)
def _municipalities() -> frozenset[str]:
    """Built once: every word of every answer asks (2.3 s of a 6 s warm re-run when it was not)."""
    from fritekst.privacy._places import municipality_names

    return frozenset(name.lower() for name in municipality_names())


def noun_phrases(words: Sequence[nlp.Word]) -> list[tuple[tuple[str, ...], str]]:
    """The heading-like noun phrases of one text: (key of Bokmål lemmas, the words as written).

    Patterns over the pipeline's parts of speech: ``NOUN``, ``ADJ NOUN``, ``NOUN ADP NOUN`` and
    ``NOUN ADP ADJ NOUN`` (an acronym such as NAV counts as a noun). Phrases holding a place or
    person name, or made only of generic words, are left out.
    """
    kinds = [_kind(word) for word in words]
    found = []
    for start, kind in enumerate(kinds):
        if kind not in ("NOUN", "ADJ"):
            continue
        for pattern in _PATTERNS:
            end = start + len(pattern)
            if end > len(words) or tuple(kinds[start:end]) != pattern:
                continue
            span = words[start:end]
            if any(w.pos == "ADP" and w.lemma not in JOINING_ADPOSITIONS for w in span):
                continue
            content = [w for w in span if w.pos != "ADP"]
            if any(is_place_or_name(w) for w in span) or all(nb_lemma(w.lemma) in GENERIC_WORDS for w in content):
                continue
            if not all(nlp.is_keyword_token(w.text) for w in content):
                continue
            key = tuple(nb_lemma(w.lemma) for w in span)
            found.append((key, " ".join(w.text for w in span)))
    return found


_PATTERNS = (("NOUN",), ("ADJ", "NOUN"), ("NOUN", "ADP", "NOUN"), ("NOUN", "ADP", "ADJ", "NOUN"))


def _kind(word: nlp.Word) -> str:
    if word.pos == "PROPN" and any(ch.isupper() for ch in word.text[1:]):
        return "NOUN"  # NAV, IMDi
    return word.pos


def heading_labels(
    words: Sequence[Sequence[nlp.Word]], labels: np.ndarray, forms: dict[str, str],
    exclude: Callable[[str], bool] | None = None,
) -> dict[int, str | None]:
    """A heading per theme in ``labels`` (labels < 0 ignored), or None where no phrase will do.

    A phrase's score is its coverage in the theme (share of the theme's answers that hold it)
    times its precision (share of the answers holding it that are in the theme), times a bonus
    for two- and three-word phrases. Themes take phrases best score first, and no two themes of
    a question get the same one. A second phrase joins with «og» when it scores at least half as
    well and shares no word with the first («Økonomi og tilskudd»). Ties go to the alphabetically
    first phrase, so the label is the same every run. ``forms`` spells lemmas and acronyms as
    the answers do (:func:`~fritekst.themes.keywords.written_forms`); ``exclude`` drops phrases
    with a word it is true for (person names).
    """
    labels = np.asarray(labels)
    themes = sorted(int(t) for t in np.unique(labels) if t >= 0)
    in_theme: dict[int, Counter] = {t: Counter() for t in themes}
    everywhere: Counter = Counter()
    written: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for text_words, theme in zip(words, labels):
        phrases = noun_phrases(text_words) if theme >= 0 else []
        for key, surface in phrases:
            written[key][_as_written(surface, forms)] += 1
        for key in {key for key, _ in phrases}:
            if exclude is not None and any(exclude(part) for part in key):
                continue
            in_theme[int(theme)][key] += 1
            everywhere[key] += 1
    candidates = []  # (-score, theme, key): best first, then by theme and phrase
    n_assigned = int((labels >= 0).sum())
    for theme in themes:
        size = int((labels == theme).sum())
        for key, count in in_theme[theme].items():
            lift = (count / size) / (everywhere[key] / n_assigned)
            if count >= 2 and count >= MIN_COVERAGE * size and lift >= MIN_LIFT:
                content_words = sum(1 for part in key if part not in JOINING_ADPOSITIONS)
                score = (count / size) * (count / everywhere[key]) * PHRASE_BONUS[content_words]
                candidates.append((-score, theme, key, count / size))
    chosen: dict[int, list[tuple[float, tuple[str, ...], float]]] = {t: [] for t in themes}
    taken: set[tuple[str, ...]] = set()
    for negative, theme, key, coverage in sorted(candidates):
        picked = chosen[theme]
        if key in taken or len(picked) == 2:
            continue
        if picked and (-negative < picked[0][0] / 2 or set(key) & set(picked[0][1])):
            continue
        picked.append((-negative, key, coverage))
        taken.add(key)
    return {theme: _heading([key for _, key, _ in chosen[theme]], written, forms)
            if sum(coverage for *_, coverage in chosen[theme]) >= MIN_HEADING_COVERAGE else None
            for theme in themes}


def _heading(keys: list[tuple[str, ...]], written: dict, forms: dict[str, str]) -> str:
    """The phrases as the answers write them, joined with «og»; a lone noun in its dictionary
    form («Bolig», not «Boligene»), as analysts write a heading."""
    parts = []
    for key in keys:
        if len(key) == 1:
            parts.append(forms.get(key[0], key[0]))
        else:
            parts.append(max(sorted(written[key]), key=lambda s: written[key][s]))
    text = " og ".join(parts)
    return text[:1].upper() + text[1:]


def _as_written(surface: str, forms: dict[str, str]) -> str:
    """The phrase in lower case but for acronyms and names the answers write with capitals."""
    return " ".join(forms.get(part.lower(), part.lower()) for part in surface.split())
