"""Theme labels in words an analyst would write: a short noun phrase from the answers themselves.

A keyword triplet («Flyktningtjenest, erfaring og fast tverrfaglig») is a list, not a heading, and
shows lemmas no respondent wrote. The analysts' own headings are noun phrases: «behov for tolk»,
«mangel på boliger». So the label is the noun phrase (``NOUN``, ``ADJ NOUN``, ``NOUN ADP NOUN``,
tagged by the pipeline :mod:`fritekst.nlp` loads) found in most of a theme's answers and in few of
the other themes' answers, shown as the answers most often write it. Place names (countries
too), persons and generic survey words never make a label (they stay among the keywords, marked
in themes.csv's ``marked_keywords``); Bokmål and Nynorsk forms of one word count as one
(:data:`NYNORSK_LEMMAS`). Where no phrase covers enough of a theme, or the pipeline has no tagger,
the keyword triplet stands in (see docs/decisions/021 and its amendment).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from fritekst import nlp
from fritekst.privacy._capitals import is_common_word

# Words that say nothing about a theme in survey answers: they occur in every theme of a
# question about municipalities and integration, so a label made of them («Sted, generelt og
# tog», «Person») tells the analyst nothing. Lemmas, Bokmål and Nynorsk.
GENERIC_WORDS = frozenset(
    """
    behov bit del eksempel form forhold gang generell generelt grad kommune land måte mengde
    menneske område person problem ressurs sak side situasjon sted stor tid ting trenge type
    utfordring ønske nivå tilfelle antall
    """.split()
) | frozenset(
    # What every answer about a municipality's integration work is about: its services and the
    # people in them («Tjeneste», «Deltaker og ansvar» named no theme).
    "tjeneste deltaker".split()
) | frozenset(
    # Time words: «Bolig og år» says when, not what («fra år til år», «i høst»).
    "år måned uke dag døgn time periode høst vår sommer vinter helg kveld morgen tidspunkt".split()
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
# ... and when the theme's answers hold it this many times more often than the question's other
# answers: «bolig» in 85 % of a theme but in 53 % of the rest of "what hinders settlement?" is the
# question's subject, not the theme's. Against the rest, not the whole question: lift over the
# whole is capped at (question / theme), so a sub-theme of two thirds of its broad theme could
# never reach 1.5 («NAV» in all 13 of one NAV sub-theme and 3 of the other 10: lift 1.44, 3.3 here).
MIN_DISTINCTION = 2.0
# A keyword in this share of a question's answers is the question's subject (see question_subject).
SUBJECT_SHARE = 0.5
# A heading stands for its theme when its phrases are in this share of the theme's answers
# together; a lone «By» over a fifth of a theme says less than three keywords.
MIN_HEADING_COVERAGE = 0.2
# A phrase that covers this share of its theme stands alone: a second phrase would join an
# unrelated word to one that already names the theme («Helse og kommunale boliger») ...
COVERS_THEME = 0.5
# ... unless the second is related to it: written in the same answers, in at least this share of
# the theme's answers holding the second («Barn og skolebakgrunn», «Tolk og hjelp»).
RELATED_SHARE = 1 / 3
# The word chosen is shown as the phrase around it («tolk» as «behov for tolk») when the phrase
# is in this share of the answers holding the word: a phrase reads as a heading, a noun as a tag.
PHRASE_SHARE = 0.6
# Two words are one for a label when one holds the other or both begin alike this far
# («tilskudd», «ekstratilskudd»; «frivillighet», «frivilligsentral»).
SHARED_STEM = 6


def nb_lemma(lemma: str) -> str:
    """The Bokmål lemma ``lemma`` stands for (itself when it is Bokmål or not on the list)."""
    return NYNORSK_LEMMAS.get(lemma, lemma)


@lru_cache(maxsize=1 << 17)  # asked ~800 000 times for 10 000 answers, of far fewer distinct words
def is_place_or_name(word: nlp.Word) -> bool:
    """A place or a person: a country as written («Tyskland», «USA»: an acronym, but no agency),
    a municipality, or a proper noun that is not an acronym (NAV, IMDi name agencies, which make
    good headings) and not an everyday word unless a name list has it («Berg»). Everyday words
    tagged as proper nouns are organisations («Røde Kors») or a capital the tagger misread
    («Arbeidsmarkedet er stramt»), which make headings too."""
    if word.text in _countries():
        return True
    if word.pos != "PROPN" or (is_common_word(word.text) and not _listed_as_name(word.text)):
        return word.text.lower() in _places()
    return not any(ch.isupper() for ch in word.text[1:])


def _listed_as_name(word: str) -> bool:
    from fritekst.privacy._names import first_names, surnames

    return word in first_names() or word in surnames()


def place_lemmas(words: Sequence[Sequence[nlp.Word]]) -> frozenset[str]:
    """Lower-case lemmas and forms the answers use as place (or person) names at least half the time."""
    named, everywhere = Counter(), Counter()
    for text in words:
        for word in text:
            for key in {word.lemma, word.text.lower()}:
                everywhere[key] += 1
                named[key] += is_place_or_name(word)
    return frozenset(key for key, n in named.items() if 2 * n >= everywhere[key])


def question_subject(tokens: Sequence[Sequence[str]]) -> frozenset[str]:
    """Keywords in at least :data:`SUBJECT_SHARE` of the answers: what the question is about
    («bolig» asked what hinders settlement, «samarbeid» asked about cooperation), which names none
    of its themes. Kept out of the keyword triplet as the heading keeps them out by distinction."""
    counts = Counter(token for text in tokens for token in set(text))
    return frozenset(token for token, n in counts.items() if n >= SUBJECT_SHARE * len(tokens))


def unfit_for_label(places: frozenset[str]) -> Callable[[str], bool]:
    """Whether a keyword (as displayed) holds a place name or is only generic words."""
    def unfit(keyword: str) -> bool:
        parts = [nb_lemma(part) for part in keyword.lower().split()]
        return any(part in places for part in parts) or all(part in GENERIC_WORDS for part in parts)
    return unfit


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Municipalities and countries in lower case, for words the tagger does not call proper
    nouns. Built once: every word of every answer asks (2.3 s of a 6 s warm re-run when it was not)."""
    from fritekst.privacy._places import municipality_names

    return frozenset(name.lower() for name in municipality_names() | _countries_written_out())


def _countries() -> frozenset[str]:
    from fritekst.privacy._places import country_names

    return country_names()


def _countries_written_out() -> frozenset[str]:
    """Country names without the three-letter codes, whose lower case is often a word («and», «arm»)."""
    return frozenset(name for name in _countries() if not name.isupper())


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
    times its precision (share of the answers holding it that are in the theme): the word or
    phrase that covers most of the theme and little of the rest. Themes take phrases best score
    first (then most answers, then alphabetically, so the label is the same every run), and no two
    themes of a question get the same one. The one chosen is shown as the longer phrase around it
    when most of its answers write that phrase («Behov for tolk», not «Tolk»). A second phrase joins
    with «og» when it scores at least half as well, shares no word or stem with the first, and
    either the first covers less than :data:`COVERS_THEME` of the theme («Økonomi og tilskudd») or
    the two are written in the same answers (:data:`RELATED_SHARE`: «Barn og skolebakgrunn»). ``forms``
    spells lemmas and acronyms as the answers do (:func:`~fritekst.themes.keywords.written_forms`);
    ``exclude`` drops phrases with a word it is true for (person names).
    """
    labels = np.asarray(labels)
    themes = sorted(int(t) for t in np.unique(labels) if t >= 0)
    in_theme: dict[int, Counter] = {t: Counter() for t in themes}
    everywhere: Counter = Counter()
    written: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    together: Counter = Counter()
    held: list[frozenset] = []  # each answer's phrase keys
    for text_words, theme in zip(words, labels):
        phrases = noun_phrases(text_words) if theme >= 0 else []
        held.append(frozenset(key for key, _ in phrases))
        for key, surface in phrases:
            written[key][_as_written(surface, forms)] += 1
        keys = sorted({key for key, _ in phrases})
        for i, one in enumerate(keys):
            for other in keys[i + 1:]:
                together[(int(theme), one, other)] += 1
                together[(int(theme), other, one)] += 1
        for key in {key for key, _ in phrases}:
            if exclude is not None and any(exclude(part) for part in key):
                continue
            in_theme[int(theme)][key] += 1
            everywhere[key] += 1
    n_assigned = int((labels >= 0).sum())
    sizes = {theme: int((labels == theme).sum()) for theme in themes}  # not once per candidate: O(N) each
    candidates = {}  # theme -> {key: (score, count)}
    for theme in themes:
        size = sizes[theme]
        rest = n_assigned - size
        candidates[theme] = {}
        for key, count in in_theme[theme].items():
            outside = everywhere[key] - count
            distinct = outside == 0 or (count / size) >= MIN_DISTINCTION * outside / rest
            if count >= 2 and count >= MIN_COVERAGE * size and distinct:
                candidates[theme][key] = ((count / size) * (count / everywhere[key]), count)
    ranked = sorted((-score, -count, theme, key) for theme in themes
                    for key, (score, count) in candidates[theme].items())
    chosen: dict[int, list[tuple[str, ...]]] = {t: [] for t in themes}
    best: dict[int, float] = {}
    taken: set[tuple[str, ...]] = set()
    for negative, negative_count, theme, key in ranked:
        picked, size = chosen[theme], sizes[theme]
        if key in taken or len(picked) == 2:
            continue
        if picked:
            first = picked[0]
            related = together[(theme, key, first)] >= RELATED_SHARE * in_theme[theme][key]
            if ((in_theme[theme][first] >= COVERS_THEME * size and not related) or -negative < best[theme] / 2
                    or _share_a_word(key, first)):
                continue
        shown = _phrase_around(key, candidates[theme], taken)
        if picked and (set(shown) & set(picked[0])) - JOINING_ADPOSITIONS:  # «statistikk på kommunenivå»
            shown = key  # after «statistikk»; «frivillige lag» after «frivilligsentral» may stay
        picked.append(shown)
        best.setdefault(theme, -negative)
        taken.update({key, shown})
    return {theme: _heading(chosen[theme], written, forms)
            if _covered(chosen[theme], held, labels, theme) >= MIN_HEADING_COVERAGE else None
            for theme in themes}


def _phrase_around(key: tuple[str, ...], candidates: dict, taken: set) -> tuple[str, ...]:
    """``key``, or the longer candidate phrase holding its words that most of its answers write."""
    count = candidates[key][1]
    words = set(key) - JOINING_ADPOSITIONS
    around = [(-n, other) for other, (_, n) in candidates.items()
              if len(other) > len(key) and words <= set(other) and other not in taken and n >= PHRASE_SHARE * count]
    return min(around)[1] if around else key


def _share_a_word(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether two phrases name a word (or a stem: «tilskudd», «ekstratilskudd») both."""
    return any(a in b or b in a or a[:SHARED_STEM] == b[:SHARED_STEM] and len(a) >= SHARED_STEM <= len(b)
               for a in set(one) - JOINING_ADPOSITIONS for b in set(other) - JOINING_ADPOSITIONS)


def _covered(keys: list[tuple[str, ...]], held: list[frozenset], labels: np.ndarray, theme: int) -> float:
    """Share of the theme's answers holding at least one of ``keys`` (``held``: each answer's phrase keys)."""
    members = [phrases for phrases, label in zip(held, labels) if label == theme]
    wanted = set(keys)
    return sum(1 for phrases in members if wanted & phrases) / len(members) if members else 0.0


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
