"""Representative quotes: the few answers that stand for a category or theme, screened for print.

A report prints 1–3 verbatim answers per theme. They should be typical of the theme (near
the centre of its answers' embeddings), not say the same thing twice (maximal marginal
relevance), be readable on their own (6–80 words: the 2021 report's block quotes run from
7 to 93 words), and be coded surely (by a coder, or by the model with confidence at least
0.5). A coder's "quote candidate" flag and a clean text (nothing to mask) count in an
answer's favour; a quote an earlier report printed is flagged, not dropped.

Functions take the segment table (``assignments.csv`` of a run, or the store's equivalent)
and an ``embed`` function, and return ``(quotes, rejects)``: what was chosen, and why each
other answer was not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from fritekst.coders import MODEL_CODER
from fritekst.embed.base import DEFAULT_EMBEDDER
from fritekst.errors import InputError
from fritekst.nlp import embedding_cache
from fritekst.privacy import Screen, screen_columns
from fritekst.results import group_attributes

Embed = Callable[[list[str]], np.ndarray]
"""Texts in, L2-normalised rows out (see :func:`cached_embed`)."""

QUOTE_COLUMNS = ["id", "question", "segment", "text", "role", "wave", "attributes", "code_id", "confidence",
                 "coded_by", "centrality", "quote_candidate", "used", "masked"]


@dataclass(frozen=True)
class QuoteConfig:
    """How quotes are chosen.

    ``diversity`` is MMR's weight on being unlike the quotes already chosen (0: the k most
    central answers, which often say the same thing). ``candidate_bonus`` and
    ``masked_penalty`` are added to / taken from an answer's centrality (a cosine, so 0.1
    is a large nudge).
    """

    k: int = 3
    min_words: int = 6
    max_words: int = 80
    min_confidence: float = 0.5
    diversity: float = 0.3
    candidate_bonus: float = 0.1
    masked_penalty: float = 0.05


@dataclass(frozen=True)
class UsedQuotes:
    """Quotes an earlier report printed, by answer id (``1050``, or ``q12_bistand/1050`` for
    one question) or by text (15 characters or more, compared without case, spacing or «»)."""

    ids: frozenset[str] = frozenset()
    texts: tuple[str, ...] = ()

    def __contains__(self, answer: tuple[str, str, str]) -> bool:
        question, answer_id, text = answer
        if answer_id in self.ids or f"{question}/{answer_id}" in self.ids:
            return True
        plain = _plain(text)
        return any(used in plain or (len(plain) >= 15 and plain in used) for used in self.texts)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[«»\"“”]", "", text)).strip().lower()


def load_used_quotes(path: str | Path) -> UsedQuotes:
    """Read ``--used-quotes``: one answer id or quote text per line; ``#`` starts a comment."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise InputError("used-quotes file not found; check the path", file=str(path), column="--used-quotes") from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; save it as UTF-8 with one id or quote per line", file=str(path)) from None
    entries = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    ids = frozenset(e for e in entries if re.fullmatch(r"(?:[\w-]+/)?[\w-]+", e))
    texts = tuple(_plain(e) for e in entries if e not in ids and len(_plain(e)) >= 15)
    return UsedQuotes(ids, texts)


def category_members(segments: pd.DataFrame, category: str) -> pd.DataFrame:
    """Segments coded with ``category`` (first or further code, by a coder or the model)."""
    codes = segments["codes"].where(segments["codes"] != "", segments["code_id"])
    return segments[codes.str.split(";").apply(lambda found: category in found)]


def theme_members(segments: pd.DataFrame, question: str, theme_id: int) -> pd.DataFrame:
    return segments[(segments["question"] == question) & (segments["theme_id"] == theme_id)]


def select_quotes(
    members: pd.DataFrame,
    vectors: np.ndarray,
    *,
    category: str | None = None,
    attributes: Sequence[str] = (),
    config: QuoteConfig = QuoteConfig(),
    screen: Screen | None = None,
    used: UsedQuotes = UsedQuotes(),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Choose ``config.k`` quotes from ``members`` (rows aligned with ``vectors``).

    With ``category``, a quote must have it as its first code (a further code is a weaker
    claim); without, every member may be quoted (a theme). Returns ``(quotes, rejects)``:
    quotes in QUOTE_COLUMNS, masked, best first; rejects with ``id``, ``text`` (masked) and
    ``reason``.
    """
    screen = screen or Screen()
    members = members.reset_index(drop=True)
    if members.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS), pd.DataFrame(columns=["id", "text", "reason"])
    vectors = np.asarray(vectors, dtype=np.float32)
    centre = vectors.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-12)
    centrality = vectors @ centre
    masked = screen.mask(members["text"].tolist(), cache=embedding_cache())  # a report's earlier quotes: not again
    reasons = _reasons(members, category, config)
    candidate = _flag(members, "quote_candidate")
    relevance = centrality + config.candidate_bonus * candidate.to_numpy() - config.masked_penalty * np.array([bool(m) for m in masked])
    eligible = [i for i in range(len(members)) if not reasons[i]]
    chosen = _mmr(vectors, relevance, eligible, members["id"].tolist(), config)
    for i in eligible:
        if i not in chosen:
            reasons[i] = "same respondent as a chosen quote" if members["id"][i] in set(members["id"][chosen]) else "less central or too like the chosen ones"
    quotes = pd.DataFrame([
        {
            **{c: members.at[i, c] if c in members else "" for c in ("id", "question", "segment", "role", "wave", "code_id", "coded_by")},
            "text": masked[i].text,
            "attributes": {a: members.at[i, a] for a in attributes if a in members},
            "confidence": float(members.at[i, "confidence"]) if "confidence" in members else 1.0,
            "centrality": round(float(centrality[i]), 4),
            "quote_candidate": bool(candidate[i]),
            "used": (members.at[i, "question"], members.at[i, "id"], members.at[i, "text"]) in used,
            "masked": masked[i].summary(),
        }
        for i in chosen
    ], columns=QUOTE_COLUMNS)
    rejects = pd.DataFrame(
        [{"id": members.at[i, "id"], "text": masked[i].text, "reason": reasons[i]} for i in range(len(members)) if i not in chosen],
        columns=["id", "text", "reason"],
    )
    return quotes, rejects


def _flag(table: pd.DataFrame, column: str) -> pd.Series:
    """A yes/no column as booleans, also when read from CSV as "True"/"False" (False when absent)."""
    if column not in table:
        return pd.Series(False, index=table.index)
    values = table[column]
    return values.astype(str).str.lower().isin(["true", "1", "yes", "ja"]) if values.dtype == object else values.astype(bool)


def _reasons(members: pd.DataFrame, category: str | None, config: QuoteConfig) -> list[str]:
    """Why each member cannot be quoted ("" when it can)."""
    words = members["text"].str.split().str.len().fillna(0)
    confidence = pd.to_numeric(members["confidence"], errors="coerce") if "confidence" in members else pd.Series(1.0, index=members.index)
    by_coder = members["coded_by"].ne(MODEL_CODER) if "coded_by" in members else pd.Series(True, index=members.index)
    duplicate = members["text"].str.replace(r"\W+", " ", regex=True).str.strip().str.lower().duplicated()
    non_answer = _flag(members, "non_answer")
    reasons = []
    for i in range(len(members)):
        if non_answer[i]:
            reasons.append("non-answer")
        elif words[i] < config.min_words:
            reasons.append(f"too short (under {config.min_words} words)")
        elif words[i] > config.max_words:
            reasons.append(f"too long (over {config.max_words} words)")
        elif category is not None and members["code_id"][i] != category:
            reasons.append("the category is not its first code")
        elif category is not None and not by_coder[i] and not confidence[i] >= config.min_confidence:
            reasons.append(f"model confidence under {config.min_confidence}")
        elif duplicate[i]:
            reasons.append("same text as another answer")
        else:
            reasons.append("")
    return reasons


def _mmr(vectors: np.ndarray, relevance: np.ndarray, eligible: list[int], ids: list[str], config: QuoteConfig) -> list[int]:
    """Maximal marginal relevance, one quote per respondent."""
    chosen: list[int] = []
    left = list(eligible)
    while left and len(chosen) < config.k:
        if chosen:
            redundancy = (vectors[left] @ vectors[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(left))
        scores = (1 - config.diversity) * relevance[left] - config.diversity * redundancy
        best = left[int(np.argmax(scores))]
        chosen.append(best)
        left = [i for i in left if ids[i] != ids[best]]
    return chosen


def cached_embed(embedder: str, cache_path: str | Path | None = None) -> Embed:
    """An :data:`Embed` over fritekst's embedders and cache: after ``fritekst run`` with the
    same embedder, a run's texts come from the cache and nothing is embedded again."""
    from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder

    model = get_embedder(embedder)
    cache = EmbeddingCache(cache_path) if model.cacheable else None
    return lambda texts: embed_with_cache(model, texts, cache).vectors


def quotes_for(
    segments: pd.DataFrame,
    embed: Embed,
    *,
    category: str | None = None,
    theme: tuple[str, int] | None = None,
    role: str | None = None,
    wave: str | None = None,
    attributes: Sequence[str] = (),
    config: QuoteConfig = QuoteConfig(),
    screen: Screen | None = None,
    used: UsedQuotes = UsedQuotes(),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quotes for a category (or ``theme=(question, theme_id)``), for one role and wave when given.

    The role and ``attributes`` printed beside a quote pass the same screen as its text: values
    with personal data are masked, and an attribute that mostly holds it (e-mail addresses,
    names) is not shown; ``quotes.attrs["withheld"]`` names those, with what they hold."""
    if (category is None) == (theme is None):
        raise InputError("give a category or a theme, not both and not neither")
    screen = screen or Screen()
    members = category_members(segments, category) if category is not None else theme_members(segments, *theme)
    members = members[~_flag(members, "non_answer")]
    if theme is not None:
        members = members[~_flag(members, "outlier")]
    if role is not None:
        members = members[members["role"] == role]
    if wave is not None:
        members = members[members["wave"].astype(str) == str(wave)]
    if screen.places:  # a municipality masked in the quote is not printed beside it
        attributes = group_attributes(segments, attributes)
    members, withheld = screen_columns(members, ["role", *attributes], screen)
    attributes = [a for a in attributes if a not in withheld]
    vectors = embed(members["text"].tolist()) if len(members) else np.zeros((0, 1), dtype=np.float32)
    quotes, rejects = select_quotes(members, vectors, category=category, attributes=attributes, config=config,
                                    screen=screen, used=used)
    quotes.attrs["withheld"] = withheld
    return quotes, rejects


def quotes_from_run(
    run_dir: str | Path,
    *,
    category: str | None = None,
    theme: int | None = None,
    question: str | None = None,
    role: str | None = None,
    wave: str | None = None,
    config: QuoteConfig = QuoteConfig(),
    screen: Screen | None = None,
    used_quotes: str | Path | None = None,
    cache: str | Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``fritekst quotes``: read a run directory, check the choices against it, choose quotes."""
    from fritekst.names import suggest
    from fritekst.results import attribute_columns, load_run

    run = load_run(run_dir)
    segments = run.assignments
    if question is not None:
        questions = list(dict.fromkeys(segments["question"]))
        if question not in questions:
            raise InputError(f"no question {question!r}; {suggest(question, questions, 'questions')}", column="--question")
        segments = segments[segments["question"] == question]
    if category is not None:
        if "code_id" not in segments:
            raise InputError("the run has no codes; run `fritekst run … --codebook FILE` first", file=str(run_dir))
        known = run.codebook.ids if run.codebook is not None else sorted(set(segments["code_id"]) - {""})
        if category not in known:
            raise InputError(f"no category {category!r}; {suggest(category, known, 'categories')}", column="--category")
    if theme is not None and question is None:
        raise InputError("--theme needs --question: theme numbers are per question", column="--theme")
    for column, value in (("role", role), ("wave", wave)):
        values = sorted(set(segments[column].astype(str)) - {""}) if column in segments else []
        if value is not None and value not in values:
            raise InputError(f"no {column} {value!r}; {suggest(value, values, column + 's')}", column=f"--{column}")
    used = load_used_quotes(used_quotes) if used_quotes else UsedQuotes()
    embed = cached_embed(run.manifest.get("embedder", DEFAULT_EMBEDDER), cache)
    from fritekst.embed import EmbeddingCache
    from fritekst.nlp import use_embedding_cache

    use_embedding_cache(EmbeddingCache(cache))  # the words of masked quotes: embedded once, not per call
    return quotes_for(segments, embed, category=category, theme=(question, theme) if theme is not None else None,
                      role=role, wave=wave, attributes=attribute_columns(run), config=config, screen=screen, used=used)


def describe_quote(quote: pd.Series) -> str:
    """Two lines for a terminal: the quote, then where it comes from and how it was chosen."""
    attributes = ", ".join(f"{k}={v}" for k, v in quote["attributes"].items() if v)
    facts = [f"id {quote['id']}", quote["question"], quote["role"], str(quote["wave"]), attributes,
             f"coded by {quote['coded_by'] or MODEL_CODER} ({quote['confidence']:.2f})",
             "coder's quote candidate" if quote["quote_candidate"] else "",
             "USED in an earlier report" if quote["used"] else "",
             f"masked: {quote['masked']}" if quote["masked"] else ""]
    return f"«{quote['text']}»\n   " + " · ".join(str(f) for f in facts if f)
