"""Coding part of an answer on the Koding page: which sentences "Del svaret i setninger" would
make (and whose codes of the whole answer the run would stop counting), and where a sentence
stands in its answer. The split itself is :meth:`fritekst.store.Store.split_answer`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from fritekst.clean import segment


@dataclass(frozen=True)
class AnswerPart:
    """A segment's place in its answer: sentence ``number`` (from 1) of ``total``, and the whole
    answer (its segments joined) for the coder to read the sentence in."""

    number: int
    total: int
    whole: str


@dataclass(frozen=True)
class SplitPreview:
    """The sentences a split makes (none when the segment is a single sentence already) and the
    coders whose code of the whole answer the run no longer counts once it is split."""

    sentences: tuple[str, ...]
    coded_by: tuple[str, ...]


def answer_part(segments: pd.DataFrame, segment_id: int) -> AnswerPart:
    """Where segment ``segment_id`` stands among its answer's segments in ``segments`` (a run's,
    store.segments of one question, non-answers included)."""
    row = segments.loc[segments["segment_id"] == segment_id].iloc[0]
    same = (segments["id"] == row["id"]) & (segments["question"] == row["question"])
    if "wave" in segments:
        same &= segments["wave"].fillna("") == ("" if pd.isna(row["wave"]) else row["wave"])
    answer = segments[same].sort_values("segment")
    number = int((answer["segment"] < row["segment"]).sum()) + 1
    return AnswerPart(number, len(answer), " ".join(answer["text"].fillna("")))


def split_preview(text: str, people: pd.DataFrame, segment_id: int) -> SplitPreview:
    """What splitting segment ``segment_id`` (``text``) would do, with ``people`` the question's
    people's current codes (store.people_codes)."""
    sentences = segment(text, "sentence")  # the sentences Store.split_answer makes, without judging them
    coders = people.loc[people["segment_id"] == segment_id, "coder"]
    return SplitPreview(tuple(sentences) if len(sentences) > 1 else (), tuple(sorted(set(coders))))
