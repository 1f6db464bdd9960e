"""Coders' memos on a question's answers, as one list to read and to take away."""

from __future__ import annotations

import pandas as pd

MEMO_COLUMNS = ["id", "segment", "coder", "code_id", "memo", "created_at", "text"]


def memo_table(codings: pd.DataFrame) -> pd.DataFrame:
    """The memos in ``codings`` (store.current_codings): one row per coder and answer that has one,
    newest first, in :data:`MEMO_COLUMNS`."""
    written = codings[codings["memo"].fillna("").str.strip() != ""]
    return written.sort_values("created_at", ascending=False)[MEMO_COLUMNS].reset_index(drop=True)
