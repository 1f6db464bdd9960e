"""A respondent's right to be erased, and a project's retention rule: the store and the embedding cache.

The store does the work in one transaction (:meth:`fritekst.store.Store.forget`,
:meth:`~fritekst.store.Store.redact`); this module adds the embedding cache, which lives apart
from the project (``~/.cache/fritekst``) and holds a vector of every text a run embedded: of each
answer and segment, of its content words (the themes' second view, :func:`content_text`), and of
each word form the entity recogniser met in it (:mod:`fritekst.word_vectors`; a name is one); and
the words and lemmas of each answer and segment a run lemmatised for its keywords, and where the
privacy screen found names and numbers in them (for keywords and quotes), and the written standard
of each (Bokmål, Nynorsk …); and where the screen found personal data in the respondent's role and
attribute values and in theme labels a report printed (``Erasure.screened``), with those texts' word forms.

>>> erasure, vectors = forget_respondent("prosjekt/", "R017", reason="sak 2026/114")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Sequence
from pathlib import Path

from fritekst.errors import InputError
from fritekst.store._erasure import Erasure

_AGE = re.compile(r"^\s*(\d+)\s*([dmy])\s*$")


def forget_respondent(target, respondent: str, reason: str, survey: str | None = None, actor: str | None = None,
                      cache: str | os.PathLike[str] | None = None, use_cache: bool = True) -> tuple[Erasure, int]:
    """Erase ``respondent`` from the project at ``target`` and their vectors from the embedding
    cache (``cache``, default the shared one); returns the erasure and how many vectors went."""
    from fritekst.store import open_store

    with open_store(target, create=False) as store:
        erasure = store.forget(respondent, reason, survey=survey, actor=actor)
    return erasure, forget_embeddings(erasure.texts, cache, erasure.screened) if use_cache else 0


def apply_retention(target, older_than: str, reason: str | None = None, survey: str | None = None,
                    actor: str | None = None, dry_run: bool = False, cache: str | os.PathLike[str] | None = None,
                    use_cache: bool = True, now: datetime.datetime | None = None) -> tuple[Erasure, list[dict], int]:
    """Empty the text of answers imported longer ago than ``older_than`` ("18m", "2y", "90d"),
    keeping respondents, codes and counts; ``dry_run`` lists what would go and changes nothing.
    Returns the erasure, one row per (survey, wave, question), and how many vectors went."""
    from fritekst.store import open_store

    before = cutoff(older_than, now).isoformat(timespec="microseconds")
    with open_store(target, create=False, read_only=dry_run) as store:
        erasure, listing = store.redact(before, reason, survey=survey, actor=actor, dry_run=dry_run)
    vectors = forget_embeddings(erasure.texts, cache, erasure.screened) if use_cache and not dry_run else 0
    return erasure, listing, vectors


def cutoff(older_than: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment ``older_than`` ("18m": 18 months, "2y", "90d") before ``now`` (UTC)."""
    import pandas as pd

    match = _AGE.match(older_than)
    if not match:
        raise InputError(f"{older_than!r} is no age; write it as 18m (months), 2y (years) or 90d (days)",
                         column="--older-than")
    number, unit = int(match.group(1)), match.group(2)
    offset = {"d": pd.DateOffset(days=number), "m": pd.DateOffset(months=number),
              "y": pd.DateOffset(years=number)}[unit]
    moment = pd.Timestamp(now or datetime.datetime.now(datetime.UTC))
    return (moment - offset).to_pydatetime()


def forget_embeddings(texts: Sequence[str], cache: str | os.PathLike[str] | None = None,
                      screened: Sequence[str] = ()) -> int:
    """Delete the cached vectors of ``texts`` (and of their Bokmål readings), of their content words
    and of their word forms, the lemmas of ``texts`` and the readings themselves, from the cache
    file (none is made where there is none); and the findings of ``screened`` (role and attribute
    values, theme labels: texts only a report screened) with their word forms, which the entity
    recogniser embedded. Returns how many rows went."""
    from fritekst.embed.cache import EmbeddingCache, default_cache_path

    path = Path(cache) if cache is not None else default_cache_path()
    if not (texts or screened) or not path.is_file():
        return 0
    opened = EmbeddingCache(path)
    try:
        readings = [*texts, *opened.translated(texts)]  # a Nynorsk answer was embedded as Bokmål too
        return opened.forget([*readings, *_content_texts(readings), *_word_forms([*readings, *screened]), *screened])
    finally:
        opened.close()


def _content_texts(texts: Sequence[str]) -> list[str]:
    from fritekst.themes import keyword_tokens
    from fritekst.themes.discover import content_text

    return content_text(keyword_tokens(list(texts)), list(texts))


def _word_forms(texts: Sequence[str]) -> list[str]:
    """The word forms the pipeline's word-vector component embeds for ``texts`` (its tokens)."""
    from fritekst.nlp import load_pipeline

    tokenizer = load_pipeline().tokenizer
    return [token.text for doc in tokenizer.pipe(texts) for token in doc]
