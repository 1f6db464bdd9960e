"""Coders' memos on a question's answers, as one list to read and to take away."""

from __future__ import annotations

import pandas as pd

MEMO_COLUMNS = ["id", "segment", "coder", "code_id", "memo", "text"]


def memo_table(people: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The memos among ``people`` (store.people_codes: each person's current coding) on the
    ``segments`` of a question (store.segments), newest first, in :data:`MEMO_COLUMNS`."""
    written = people[people["memo"].fillna("").str.strip() != ""].sort_values("coding_id", ascending=False)
    answers = segments.set_index("segment_id")[["id", "segment", "text"]]
    return written.join(answers, on="segment_id", how="inner")[MEMO_COLUMNS].reset_index(drop=True)
