"""Which written standard an answer is in: Bokmål, Nynorsk, English, other, or a mix.

One answer in seven in a municipal survey can be Nynorsk; the pipeline reads those through a
Bokmål translation (:mod:`fritekst.nynorsk`) and the app lets a coder pick them out, so each
answer's standard is recorded (``language`` in ``assignments.csv``).

Bokmål against Nynorsk is a logistic regression on word forms and character 2–4-grams, trained
on the Norwegian Dependency Treebank's train split (``models/recipe/written_standard.py``; the
20 000 most telling weights ship in ``models/written_standard.tsv``); on the 1 402 SIB-200
training sentences in both standards, which it never saw, it is right on 0.975 of them (scores
in ``models/recipe/scores_written_standard.json``). A text with no evidence either way (one word
both standards write alike: «NAV», «bolig») is Bokmål, the common case. English is told by its
function words, "other" by letters outside the Latin script (or no letters at all). An answer whose
sentences are each clearly in different standards is ``mixed``.

>>> detect_language("Vi treng fleire bustader i kommunen.")
'nn'
>>> detect_language("Vi trenger flere boliger i kommunen.")
'nb'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from fritekst.errors import InputError

BOKMAL, NYNORSK, ENGLISH, OTHER, MIXED = "nb", "nn", "en", "other", "mixed"
LANGUAGES = (BOKMAL, NYNORSK, ENGLISH, OTHER, MIXED)
"""The values of ``language``; a blank answer has "" (nothing to tell)."""

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "written_standard.tsv"

# A sentence counts towards "mixed" only when the model is this sure of it (|log-odds|): a
# sentence with one borderline word must not make a Bokmål answer mixed.
CLEAR = 2.0

# One or two words («NAV», «Bustad») say little: Nynorsk only on this much evidence, else the
# common case, Bokmål. ("NAV" scores 0.36, "Bustad" -0.09, "ikkje" 8.4.)
SHORT_EVIDENCE = 1.0

_WORD = re.compile(r"[^\W\d_]+")
# Function words English writes and Norwegian does not (nor Nynorsk: "me", "so", "de" are left out).
_ENGLISH = frozenset(
    "the and is are was were be been of to in that this it with for not have has had you we they our "
    "their there what which who would should could will can do does did from at by an or but if "
    "about more very also some any all my your its than then when where how why just only".split()
)
_NORWEGIAN = frozenset(
    "og er var i på til at det som en et ei ikke ikkje av for med har hadde vi me de dei den jeg eg "
    "vil skal kan må om men så fra frå seg sin også òg ved etter eller hvis viss når kor hva kva".split()
)


def features(text: str) -> list[str]:
    """The model's features of ``text``: its lower-cased words (``w:``) and the character
    2–4-grams of each word with a space either side (``c:``)."""
    out = []
    for word in _WORD.findall(text.lower()):
        out.append("w:" + word)
        padded = f" {word} "
        out.extend("c:" + padded[i:i + n] for n in (2, 3, 4) for i in range(len(padded) - n + 1))
    return out


@lru_cache(maxsize=1)
def load_weights() -> tuple[float, dict[str, float]]:
    """The detector's intercept and feature weights (log-odds of Nynorsk)."""
    try:
        lines = MODEL_PATH.read_text(encoding="utf-8").splitlines()
    except OSError:
        raise InputError("the written-standard model is missing; rebuild it with "
                         "`python models/recipe/written_standard.py`", file=str(MODEL_PATH)) from None
    weights = {}
    for line in lines:
        name, _, value = line.rpartition("\t")
        weights[name] = float(value)
    return weights.pop("__intercept__"), weights


def score_nynorsk(text: str) -> float:
    """Log-odds that ``text`` is Nynorsk rather than Bokmål (0 for a text without words)."""
    present = frozenset().union(*map(_word_features, _WORD.findall(text.lower())))  # = set(features(text))
    if not present:
        return 0.0
    intercept, weights = load_weights()
    return intercept + sum(map(weights.get, present, repeat(0.0))) / math.sqrt(len(present))


@lru_cache(maxsize=1 << 16)
def _word_features(word: str) -> frozenset[str]:
    """:func:`features` of one word: answers repeat their words, and building the n-grams of each
    again was most of detecting 1 000 answers' standards."""
    return frozenset(features(word))


def _script_or_english(words: list[str], text: str) -> str | None:
    """``other`` or ``en`` when the text is plainly not Norwegian, else None."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return OTHER
    if sum(ch.isascii() or ch in "æøåÆØÅéèêóòôüäöÉ" for ch in letters) < len(letters) / 2:
        return OTHER
    english = sum(w in _ENGLISH for w in words)
    norwegian = sum(w in _NORWEGIAN for w in words)
    if english > norwegian and (english >= 2 or len(words) <= 3):
        return ENGLISH
    return None


def _sentence_language(sentence: str) -> tuple[str, bool]:
    """A sentence's standard, and whether it is clear enough to make an answer ``mixed``."""
    words = _WORD.findall(sentence.lower())
    plain = _script_or_english(words, sentence)
    if plain is not None:
        return plain, plain == ENGLISH and len(words) >= 3
    score = score_nynorsk(sentence)
    nynorsk = score > (SHORT_EVIDENCE if len(words) < 3 else 0.0)
    return (NYNORSK if nynorsk else BOKMAL), abs(score) >= CLEAR


def detect_language(text: str) -> str:
    """The written standard of one answer: ``nb``, ``nn``, ``en``, ``other`` or ``mixed``
    ("" for a blank one)."""
    from fritekst.clean import segment

    if not text.strip():
        return ""
    sentences = segment(text, "sentence")
    if len(sentences) > 1:
        clear = {language for language, sure in map(_sentence_language, sentences) if sure}
        if len(clear) > 1:
            return MIXED
    return _sentence_language(text)[0]


def detect_languages(texts: Iterable[str], cache=None) -> list[str]:
    """:func:`detect_language` of each text, each distinct text once. ``cache`` (an
    ``EmbeddingCache``) keeps each text's standard for the next run: ~0.25 s per 1 000 answers,
    a quarter of a warm re-run of 10 000."""
    texts = list(texts)
    distinct = list(dict.fromkeys(texts))
    if cache is None:
        known = {text: detect_language(text) for text in distinct}
    else:
        from fritekst.embed.cache import text_key

        keys = {text: text_key(text) for text in distinct}
        stored = cache.standards(detector_fingerprint(), list(keys.values()))
        known = {text: stored[keys[text]] for text in distinct if keys[text] in stored}
        fresh = {text: detect_language(text) for text in distinct if text not in known}
        if fresh:
            cache.put_standards(detector_fingerprint(), {keys[text]: standard for text, standard in fresh.items()})
        known.update(fresh)
    return [known[text] for text in texts]


@lru_cache(maxsize=1)
def detector_fingerprint() -> str:
    """What decides a text's standard: this module's rules and the shipped weights."""
    import hashlib

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(MODEL_PATH.read_bytes())
    return f"written-standard:{digest.hexdigest()[:16]}"


def language_counts(languages: Sequence[str]) -> dict[str, int]:
    """How many of ``languages`` are each standard, every standard named (0 when none)."""
    return {language: sum(1 for value in languages if value == language) for language in LANGUAGES}
