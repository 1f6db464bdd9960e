"""Nynorsk answers read as Bokmål, for the machine's eyes only (Apertium's nno→nob translator).

The embedding model reads Nynorsk markedly worse than Bokmål (issue 20: themes ARI 0.30 against
0.49 on the same sentences). Apertium's rule-based translator (Debian ``apertium-nno-nob``,
offline, GPL; ``make system`` installs it) turns «Vi treng fleire bustader» into «Vi trenger
flere boliger», so the pipeline gives a Nynorsk answer's Bokmål *reading* to the embedding, the
content view, the keyword lemmas and the codebook matching. People never see a reading: the
assignments, the app, quotes and reports keep the answer as written. The same translator the
other way (nob→nno) shows the keywords of a mostly Nynorsk theme in Nynorsk.

Apertium runs as a subprocess, all a run's texts in one call, an empty line between two; readings are cached
like embeddings, by the translator's version (Apertium's and a hash of its language data) and the
hash of the text as written. Without Apertium the run reads the answers as written and says so
(the manifest's ``nynorsk``, the run's summary).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fritekst.embed.cache import EmbeddingCache, text_key
from fritekst.language import MIXED, NYNORSK, detect_languages, score_nynorsk

APERTIUM = "apertium"
TO_BOKMAL = "nno-nob"
TO_NYNORSK = "nob-nno"
READ_AS_BOKMAL = (NYNORSK, MIXED)
"""The standards whose answers get a Bokmål reading (a mixed answer's Bokmål parts pass through)."""
LINES_PER_CALL = 5000
SEPARATOR = "\n\n"
NOT_INSTALLED = "not normalised: Apertium (Debian package apertium-nno-nob) is not installed"


class TranslatorFailed(RuntimeError):
    """Apertium is there but gave no usable answer (a broken install, a killed process)."""


@dataclass(frozen=True)
class Readings:
    """The texts as the machine reads them, and how they came to be."""

    texts: list[str]
    to_read: int  # distinct texts in Nynorsk (or mixed)
    translated: int  # of those, translated now
    from_cache: int  # of those, read from the cache
    translator: str | None  # e.g. "Apertium 3.8.3 nno-nob@1a2b3c4d5e6f"; None when not normalised
    note: str  # "normalised", "no Nynorsk answers" or why not

    def manifest_entry(self) -> dict:
        return {"answers": self.to_read, "normalised": self.translator is not None and self.to_read > 0,
                "translator": self.translator, "note": self.note,
                "translated": self.translated, "from_cache": self.from_cache}


def bokmal_readings(texts: Sequence[str], languages: Sequence[str], cache: EmbeddingCache | None = None) -> Readings:
    """Each text as the machine should read it: a Nynorsk (or mixed) one translated to Bokmål,
    every other one as it is."""
    texts = list(texts)
    wanted = list(dict.fromkeys(t for t, language in zip(texts, languages) if language in READ_AS_BOKMAL))
    if not wanted:
        return Readings(texts, 0, 0, 0, None, "no Nynorsk answers")
    try:
        translator = translator_id(TO_BOKMAL)
    except TranslatorFailed as error:
        return Readings(texts, len(wanted), 0, 0, None, f"not normalised: {error}")
    if translator is None:
        return Readings(texts, len(wanted), 0, 0, None, NOT_INSTALLED)
    try:
        translated, from_cache = translate(wanted, TO_BOKMAL, cache)
    except TranslatorFailed as error:
        return Readings(texts, len(wanted), 0, 0, None, f"not normalised: {error}")
    readings = [translated.get(text, text) for text in texts]
    return Readings(readings, len(wanted), len(wanted) - from_cache, from_cache, translator, "normalised")


def machine_texts(texts: Sequence[str], languages: Sequence[str] | None = None,
                  cache: EmbeddingCache | None = None) -> list[str]:
    """``texts`` as a run's machine read them, for the app's and the workspace's own embeddings
    (answer map, theme splits, suggestions under a new codebook) to match the run's:
    ``languages`` as the run recorded them, detected where the run has none."""
    texts = list(texts)
    return bokmal_readings(texts, detect_languages(texts) if languages is None else languages, cache).texts


def codebook_readings(texts: Sequence[str], cache: EmbeddingCache | None = None) -> list[str]:
    """A codebook's texts as the machine reads them: all translated when the codebook, taken
    whole, is Nynorsk (its one-word keywords alone could not tell), else as written."""
    texts = list(texts)
    if not texts or score_nynorsk(" ".join(texts)) <= 0:
        return texts
    return bokmal_readings(texts, [NYNORSK] * len(texts), cache).texts


def in_nynorsk(words: Sequence[str], cache: EmbeddingCache | None = None) -> list[str]:
    """Keywords (Bokmål lemmas, as the machine read the answers) in Nynorsk, for a theme most of
    whose answers are Nynorsk; a word with capitals («IMDi», «NAV») and every word when Apertium is
    missing stay as they are."""
    lower = [w for w in dict.fromkeys(words) if w == w.lower()]
    if not lower:
        return list(words)
    try:
        if translator_id(TO_NYNORSK) is None:
            return list(words)
        translated = translate(lower, TO_NYNORSK, cache)[0]
    except TranslatorFailed:
        return list(words)
    return [translated.get(w) or w for w in words]


@lru_cache(maxsize=4)
def _translator_id(executable: str, direction: str) -> str:
    try:
        version = subprocess.run([executable, "-V"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        raise TranslatorFailed(f"{executable} -V failed ({error})") from None
    return f"{version or 'Apertium'} {direction}@{_data_hash(executable, direction)}"


def translator_id(direction: str) -> str | None:
    """Apertium's version and a hash of the language data of ``direction``: what a cached
    reading is keyed by, so an upgraded translator reads the answers afresh. None when Apertium
    is not on the ``PATH``."""
    executable = shutil.which(APERTIUM)
    return None if executable is None else _translator_id(executable, direction)


def _data_hash(executable: str, direction: str) -> str:
    """SHA-256 (first 12 hex digits) of the direction's mode file and the files it names."""
    digest = hashlib.sha256()
    mode = Path(executable).resolve().parent.parent / "share" / "apertium" / "modes" / f"{direction}.mode"
    if mode.is_file():
        text = mode.read_text(encoding="utf-8")
        digest.update(text.encode("utf-8"))
        for name in re.findall(r"'([^']+)'", text):
            if Path(name).is_file():
                digest.update(Path(name).read_bytes())
    return digest.hexdigest()[:12]


def translate(texts: Sequence[str], direction: str, cache: EmbeddingCache | None = None) -> tuple[dict[str, str], int]:
    """Each distinct text of ``texts`` translated (``TO_BOKMAL`` or ``TO_NYNORSK``), and how many
    came from the cache."""
    translator = translator_id(direction)
    if translator is None:
        raise TranslatorFailed(NOT_INSTALLED)
    unique = list(dict.fromkeys(texts))
    keys = {text: text_key(text) for text in unique}
    cached = cache.translations(translator, list(keys.values())) if cache is not None else {}
    missing = [text for text in unique if keys[text] not in cached]
    fresh: dict[str, str] = {}
    for start in range(0, len(missing), LINES_PER_CALL):
        batch = missing[start:start + LINES_PER_CALL]
        fresh.update(zip(batch, _apertium(batch, direction)))
        if cache is not None:
            cache.put_translations(translator, {keys[text]: fresh[text] for text in batch})
    return {text: cached[keys[text]] if keys[text] in cached else fresh[text] for text in unique}, len(unique) - len(missing)


def _apertium(texts: list[str], direction: str) -> list[str]:
    """One Apertium call over ``texts``, an empty line between two texts.

    A text's line breaks become spaces (a reading is for the machine). The empty line makes each
    text its own paragraph, which Apertium's tagger and transfer do not look across: with only
    a line break between them, a text's translation depended on the text before it (5 of the
    example survey's 398 answers read otherwise in reverse order), so a cached reading would not
    have been the one a new run makes."""
    lines = [" ".join(text.split()) for text in texts]
    environment = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run([shutil.which(APERTIUM) or APERTIUM, "-u", direction],
                              input="".join(line + SEPARATOR for line in lines),
                              capture_output=True, text=True, encoding="utf-8", env=environment, timeout=3600)
    except (OSError, subprocess.SubprocessError) as error:
        raise TranslatorFailed(f"apertium {direction} failed ({error})") from None
    output = done.stdout.split(SEPARATOR)
    if done.returncode != 0 or len(output) != len(lines) + 1 or output[-1].strip():
        raise TranslatorFailed(f"apertium {direction} failed (exit {done.returncode}, {len(output) - 1} texts back "
                               f"for {len(lines)}): {done.stderr.strip()[:200]}")
    return [line.strip() for line in output[:-1]]
