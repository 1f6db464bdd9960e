"""Clean answers: normalise text, flag non-answers, cut answers into segments.

Survey exports carry HTML remnants, stray control characters and line breaks
typed by respondents; analysts also need "vet ikke" and "-" reported apart
from the themes, and long answers that raise several themes cut into pieces.
Everything here is regex-based so that 100 000 answers clean in seconds.

Example
-------
>>> normalise("Mangel p&aring; boliger<br>Tolk")
'Mangel på boliger. Tolk'
>>> NonAnswerDetector().is_non_answer("Nei, takk.")
True
>>> segment("Vi trenger f.eks. flere boliger. Tolketjenesten er for dårlig.", "sentence")
['Vi trenger f.eks. flere boliger.', 'Tolketjenesten er for dårlig.']
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["NonAnswerDetector", "SEGMENT_MODES", "clean_answers", "normalise", "segment", "sentence_segments"]

SegmentMode = Literal["answer", "sentence"]
SEGMENT_MODES: tuple[str, ...] = ("answer", "sentence")

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_BLOCK_TAGS = r"br|p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|tbody|thead|h[1-6]|blockquote|hr|pre"
_INLINE_TAGS = r"span|b|i|u|s|em|strong|font|a|small|big|sup|sub|strike|mark|code|o:p|abbr|cite|q|tt"
# Only known tag names, so that "kommuner <5 000 og >20 000" keeps its signs.
_TAG = re.compile(
    rf"<!--.*?-->|<\s*/?\s*(?:({_BLOCK_TAGS})|(?:{_INLINE_TAGS}))(?:\s[^<>]*)?/?\s*>",
    re.IGNORECASE | re.DOTALL,
)
# Entities with their semicolon only: html.unescape alone also reads "&not" in
# "R&notat" as "¬".
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_LINE_BREAK = re.compile(r"\r\n?|[\n\x0b\x0c\x85\u2028\u2029]")
# C0/C1 controls (except tab and line breaks) and invisible format characters:
# soft hyphen, zero-width spaces/joiners, direction marks, BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
_BULLET = re.compile(r"^[-–—*•·▪●◦‣]+\s+(?=\S)")
_NUMBERED = re.compile(r"^(?:\d{1,2}|[a-zA-Z])[.)]\s+(?=\S)")
_CLOSERS = "\"'»”’)]"
_ENDS_CLAUSE = tuple(".!?:;,…")


def _unescape(match: re.Match[str]) -> str:
    return html.unescape(match.group())


def _tag_to_text(match: re.Match[str]) -> str:
    # Block tags separated lines in the survey tool; inline tags separated nothing.
    return "\n" if match.group(1) else ""


def _join_lines(text: str) -> str:
    """Join typed lines, ending each unterminated line with a full stop.

    Respondents press Enter between points far more often than a survey tool
    wraps a sentence, so a line break is read as a sentence boundary: the
    segmenter then sees it, and a quote still reads naturally. Bullet marks go;
    numbered marks ("1.", "a)") go only when at least two lines carry one, so a
    single "1. januar ..." keeps its date.
    """
    lines = [line.strip() for line in _LINE_BREAK.split(text)]
    lines = [line for line in lines if line]
    strip_numbers = sum(1 for line in lines if _NUMBERED.match(line)) >= 2
    out: list[str] = []
    for line in lines:
        line = _BULLET.sub("", line)
        if strip_numbers:
            line = _NUMBERED.sub("", line)
        if out and not out[-1].rstrip(_CLOSERS).endswith(_ENDS_CLAUSE):
            out[-1] += "."
        out.append(line)
    return " ".join(out)


def normalise(text: str) -> str:
    """Return `text` as one clean line: NFC, no HTML, no control characters.

    Entities are unescaped (twice at most, for exports that escaped them
    twice), block tags and line breaks become sentence boundaries (see
    `_join_lines`), invisible characters go, whitespace collapses to single
    spaces. Letters, æøå included, are never changed.
    """
    if "&" in text:
        text = _ENTITY.sub(_unescape, text)
        if "&" in text:  # exports that escaped twice: "&amp;oslash;"
            text = _ENTITY.sub(_unescape, text)
    if "<" in text:
        text = _TAG.sub(_tag_to_text, text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    if _LINE_BREAK.search(text):
        text = _join_lines(text)
    else:
        text = _BULLET.sub("", text.strip())
    return " ".join(text.split())


# --------------------------------------------------------------------------
# Non-answers
# --------------------------------------------------------------------------

_DATA_FILE = "non_answers_nb.txt"
_PART_SEP = re.compile(r"[.,;:!?…]+")
_WORD_CHARS = re.compile(r"[^\W_]+")
# Empty, only digits, or one character repeated ("x", "xxx", "x x").
_PLACEHOLDER = re.compile(r"[\d ]*|(\w)(?: ?\1)*")


def _key(text: str) -> str:
    """Lower-cased words only, single-spaced: the form phrases are compared in."""
    return " ".join(_WORD_CHARS.findall(text.lower()))


def _parse_rules(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    phrases: list[str] = []
    patterns: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            patterns.append(line[3:].strip())
        else:
            phrases.append(line)
    return phrases, patterns


@lru_cache(maxsize=1)
def _builtin_rules() -> tuple[tuple[str, ...], tuple[str, ...]]:
    source = resources.files("fritekst").joinpath("data", _DATA_FILE)
    phrases, patterns = _parse_rules(source.read_text(encoding="utf-8").splitlines())
    return tuple(phrases), tuple(patterns)


@dataclass(frozen=True)
class _Rules:
    phrases: frozenset[str]
    removed: frozenset[str]
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class NonAnswerDetector:
    """Recognise answers that say nothing: "vet ikke", "ingen kommentar", "-", "x".

    The whole answer must be a non-answer, so "nei, men vi trenger flere
    boliger" is kept. The curated list lives in ``fritekst/data/non_answers_nb.txt``
    (Bokmål, Nynorsk, some English), whose header explains the matching.

    Parameters
    ----------
    extra_phrases : phrases to add, e.g. ``("som i fjor",)``.
    extra_patterns : regular expressions to add, matched with ``re.fullmatch``
        against the lower-cased, punctuation-free form of a part of the answer.
    remove_phrases : phrases that are never non-answers, even if a built-in
        pattern matches them, e.g. ``("ja",)`` for a yes/no follow-up.
    builtin : use the curated list; False keeps only your own phrases/patterns
        (empty, digit-only and one-repeated-character answers still count).

    Examples
    --------
    >>> d = NonAnswerDetector(extra_phrases=("som over",), remove_phrases=("ja",))
    >>> d.mark(["Vet ikke", "ja", "Nei, men vi trenger tolk", "-"]).tolist()
    [True, False, False, True]
    """

    extra_phrases: tuple[str, ...] = ()
    extra_patterns: tuple[str, ...] = ()
    remove_phrases: tuple[str, ...] = ()
    builtin: bool = True

    @cached_property
    def _rules(self) -> _Rules:
        phrases, patterns = _builtin_rules() if self.builtin else ((), ())
        patterns = (*patterns, *self.extra_patterns)
        for p in patterns:
            try:
                re.compile(p)
            except re.error as err:
                raise ValueError(f"non-answer pattern {p!r} is not a valid regular expression: {err}") from err
        removed = frozenset(_key(p) for p in self.remove_phrases)
        return _Rules(
            phrases=frozenset(_key(p) for p in (*phrases, *self.extra_phrases)) - removed,
            removed=removed,
            pattern=re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None,
        )

    def _matches(self, key: str) -> bool:
        rules = self._rules
        if key in rules.phrases:
            return True
        if key in rules.removed:
            return False
        if rules.pattern is not None and rules.pattern.fullmatch(key):
            return True
        return _PLACEHOLDER.fullmatch(key) is not None

    def is_non_answer(self, text: str) -> bool:
        """True if the whole answer, or every comma/sentence part of it, is a non-answer.

        Missing values (None, NaN) count as non-answers.
        """
        if not isinstance(text, str):
            return True
        return self._judge(normalise(text).lower())

    def _judge(self, lowered: str) -> bool:
        """`is_non_answer` for text that is already normalised and lower-cased."""
        keys = [k for k in map(_key, _PART_SEP.split(lowered)) if k]
        if self._matches(" ".join(keys)):
            return True
        return len(keys) > 1 and all(map(self._matches, keys))

    def mark(self, texts: Iterable[str]) -> np.ndarray:
        """Vectorised `is_non_answer`: a boolean array, one entry per text."""
        return np.array([self.is_non_answer(t) for t in texts], dtype=bool)


# --------------------------------------------------------------------------
# Segmentation
# --------------------------------------------------------------------------

# Abbreviations that never end a sentence (lower case, without the final dot).
_ABBREV_INNER = frozenset(
    "bl.a f.eks feks eks mht m.h.t ca nr evt ev kl jf jfr dvs d.v.s mtp m.t.p pga p.g.a "
    "iht i.h.t ift i.f.t ifm i.f.m inkl ekskl vha v.h.a tlf ref pr vs hhv ang vedr avd "
    "adm kap pkt st stk tilsv dr prof mill mrd kr bla mao m.a.o t.o.m f.o.m t.d m.a "
    "jan feb aug sep sept okt nov des".split()
)
# Abbreviations that often close a list and so may end a sentence.
_ABBREV_FINAL = frozenset("osv o.s.v m.m mm mv m.v etc o.l ol e.l el m.fl mfl o.a oa".split())
_OPENERS = "(«\"'[“‘"
_BOUNDARY = re.compile(
    rf"(?P<stop>[.!?…]+)(?P<close>[{re.escape(_CLOSERS)}]*)\s+"
    r"|(?P<semi>\s*;\s*)"
    r"|(?P<bullet>\s*[•▪●◦‣]\s*)"
)
_WORD = re.compile(r"\S*\w\S*")


def _is_sentence_end(text: str, match: re.Match[str]) -> bool:
    stop = match.group("stop")
    following = text[match.end()]
    if stop != ".":
        if set(stop) <= {"!", "?"}:
            return True
        return following.isupper()  # an ellipsis ends a sentence only before a capital
    if match.group("close"):
        return True
    start = text.rfind(" ", 0, match.start()) + 1
    word = text[start : match.start()].lstrip(_OPENERS).lower()
    if not word:
        return True
    if word in _ABBREV_INNER or (len(word) == 1 and word.isalpha()):
        return False
    if word.isdigit():
        return not following.islower()  # "2. klasse", "1. januar"
    if word in _ABBREV_FINAL or "." in word:
        return following.isupper()
    return True  # respondents often skip the capital after a full stop


def _is_short(text: str, start: int, end: int, min_words: int) -> bool:
    """Fewer than `min_words` words (runs with a letter or digit) in text[start:end]."""
    n = 0
    for _ in _WORD.finditer(text, start, end):
        n += 1
        if n >= min_words:
            return False
    return True


def _split_sentences(text: str, min_words: int = 3) -> list[str]:
    """Cut normalised `text` at sentence ends, ";" and bullet marks; merge short bits."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group("stop") is not None:
            if match.end() >= len(text) or not _is_sentence_end(text, match):
                continue
            end = match.end("close")
        else:
            end = match.start()
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    if not spans:
        return [text]
    # Fragments under min_words join the previous piece (the next one at the
    # start), by span so that the merged text is the respondent's own.
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for s, e in spans:
        if pending is not None:
            s, pending = pending, None
        if _is_short(text, s, e, min_words):
            if merged:
                merged[-1] = (merged[-1][0], e)
            else:
                pending = s
            continue
        merged.append((s, e))
    if pending is not None:
        merged.append((pending, spans[-1][1]))
    return [text[s:e].strip() for s, e in merged]


def segment(text: str, mode: SegmentMode = "answer", *, min_words: int = 3) -> list[str]:
    """Cut one answer into segments, the units that get themes and codes.

    ``"answer"`` keeps the answer whole. ``"sentence"`` splits an answer that
    raises several themes at sentence ends (not after "f.eks.", "bl.a.", "ca.",
    ordinals like "2. klasse", or inside "2.5" and dates), at ";", bullet marks
    and line breaks; pieces under `min_words` words join a neighbour, so a bare
    "Nei." or a one-word bullet never stands alone. The text is normalised
    first; the result always has at least one element.
    """
    if mode not in SEGMENT_MODES:
        raise ValueError(f"segment mode must be one of {', '.join(SEGMENT_MODES)}, not {mode!r}")
    text = normalise(text)
    if mode == "answer":
        return [text]
    return _split_sentences(text, min_words)


def _sentences(answer: str, judge) -> tuple[list[str], list[bool]]:
    """A normalised answer that says something, cut into sentences, and whether each sentence is
    itself a non-answer (``judge``); a lone sentence never is, since the answer says something."""
    pieces = _split_sentences(answer)
    return pieces, [judge(p) for p in pieces] if len(pieces) > 1 else [False]


def sentence_segments(text: str, detector: NonAnswerDetector | None = None) -> list[tuple[str, bool]]:
    """One answer that says something cut as ``clean_answers(..., "sentence")`` cuts it: each
    sentence with whether it is itself a non-answer ("Ellers ingen kommentarer.").

    The coder workspace splits a single answer with this (``Store.split_answer``), so an answer
    split there has exactly the segments a ``--segment sentence`` run gives it.

    >>> sentence_segments("Vi trenger flere boliger. Tolketjenesten er for dårlig.")
    [('Vi trenger flere boliger.', False), ('Tolketjenesten er for dårlig.', False)]
    """
    detector = detector if detector is not None else NonAnswerDetector()
    pieces, flags = _sentences(normalise(text), lambda piece: detector._judge(piece.lower()))
    return list(zip(pieces, flags))


# --------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------

_OWN_COLUMNS = ("id", "question", "segment", "text", "non_answer", "blank", "answer_text")


def clean_answers(
    answers: pd.DataFrame,
    segment_mode: SegmentMode = "answer",
    detector: NonAnswerDetector | None = None,
) -> pd.DataFrame:
    """Turn answers (one row per respondent × question) into segments.

    Returns one row per segment with ``id, question, segment`` (0-based within
    the answer), ``text`` (the normalised segment), ``non_answer``, ``blank``
    (an empty cell: skipped or not asked, which reports leave out of "N answered"),
    ``answer_text`` (the whole normalised answer), then every other input column
    unchanged (question_text, role, wave, attributes, source_row, ...), in input
    order. A non-answer yields exactly one segment. In sentence mode a segment
    that is itself a non-answer ("Ellers ingen kommentarer.") is also flagged, so
    an answer is a non-answer exactly when all its segments are.
    """
    if segment_mode not in SEGMENT_MODES:
        raise ValueError(f"segment_mode must be one of {', '.join(SEGMENT_MODES)}, not {segment_mode!r}")
    missing = [c for c in ("id", "question", "text") if c not in answers.columns]
    if missing:
        raise ValueError(f"answers lack the column(s) {', '.join(missing)}")
    detector = detector if detector is not None else NonAnswerDetector()
    if isinstance(detector, NonAnswerDetector):  # skip normalising twice
        judge = lambda text: detector._judge(text.lower())  # noqa: E731
    else:
        judge = detector.is_non_answer

    whole = [normalise(t if isinstance(t, str) else "" if pd.isna(t) else str(t)) for t in answers["text"]]
    whole_non = [judge(t) for t in whole]

    counts: list[int] = []
    texts: list[str] = []
    flags: list[bool] = []
    numbers: list[int] = []
    for answer, non in zip(whole, whole_non):
        if non or segment_mode == "answer":
            pieces, piece_flags = [answer], [bool(non)]
        else:
            pieces, piece_flags = _sentences(answer, judge)
        counts.append(len(pieces))
        texts.extend(pieces)
        flags.extend(piece_flags)
        numbers.extend(range(len(pieces)))

    rows = np.repeat(np.arange(len(answers)), counts)
    base = answers.iloc[rows].reset_index(drop=True)
    own = pd.DataFrame(
        {
            "id": base["id"],
            "question": base["question"],
            "segment": np.asarray(numbers, dtype=np.int64),
            "text": pd.Series(texts, dtype="str"),
            "non_answer": np.asarray(flags, dtype=bool),
            "blank": np.repeat(np.asarray([t == "" for t in whole], dtype=bool), counts),
            "answer_text": pd.Series(np.repeat(np.asarray(whole, dtype=object), counts), dtype="str"),
        }
    )
    rest = [c for c in answers.columns if c not in _OWN_COLUMNS]
    return pd.concat([own, base[rest]], axis=1)
