"""Who answered: the counts every report starts from ("59 integreringsansvarlige besvarte spørsmålet")."""

from __future__ import annotations

import pandas as pd


def answer_counts(segments: pd.DataFrame) -> dict[str, int]:
    """Respondent × question counts from a segment table with ``non_answer`` and ``blank``.

    ``answered``: said something (not a non-answer); ``non_answers``: wrote "vet ikke",
    "-" and the like; ``blank``: left the cell empty (skipped or not asked). An answer
    split into sentences is a non-answer only when every segment is.
    """
    answers = segments.groupby(["id", "question"], sort=False)[["non_answer", "blank"]].all()
    return {
        "answered": int((~answers["non_answer"]).sum()),
        "non_answers": int((answers["non_answer"] & ~answers["blank"]).sum()),
        "blank": int(answers["blank"].sum()),
    }
