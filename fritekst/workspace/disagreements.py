"""The Enighet page's disagreements: each answer people coded differently, with every coder's
code by its label and, once someone settled it, the settled code, by whom and when.

A settled answer stays in the table (the coders' codes are not changed by settling it), so it can
be settled again; so does one whose coders have come to agree since, for its settled code is
still the one an export takes.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from fritekst.agreement import disagreements, from_store
from fritekst.store import MODEL_CODER

DISAGREEMENT_COLUMNS = ["segment_id", "text", "codes", "settled_code", "settled_by", "settled_at", "note"]


def disagreement_table(codings: pd.DataFrame, adjudications: pd.DataFrame,
                       labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per segment in :data:`DISAGREEMENT_COLUMNS`, by segment id, from one question's
    ``store.current_codings`` and ``store.adjudications``: ``codes`` is "kari: Mangel på boliger ·
    ola: Arbeidsmarked" (people only, by coder, codes by their ``labels``); ``settled_code`` (a
    label), ``settled_by``, ``settled_at`` (UTC, to the minute) and ``note`` are "" until settled."""
    labels = labels or {}
    people = codings[codings["coder"] != MODEL_CODER]
    settled = adjudications.drop_duplicates("segment_id", keep="last").set_index("segment_id")
    ids = sorted(set(disagreements(from_store(people))["segment"]) | set(settled.index))
    texts = {**dict(zip(people["segment_id"], people["text"])), **settled["text"].to_dict()}
    codes = (people.sort_values(["segment_id", "coder"])
             .assign(pair=lambda t: t["coder"] + ": " + t["code_id"].map(lambda c: labels.get(c, c)))
             .groupby("segment_id")["pair"].agg(" · ".join).to_dict())
    rows = []
    for segment in ids:
        row = {"segment_id": int(segment), "text": texts[segment], "codes": codes.get(segment, ""),
               "settled_code": "", "settled_by": "", "settled_at": "", "note": ""}
        if segment in settled.index:
            adjudication = settled.loc[segment]
            row.update(settled_code=labels.get(adjudication["code_id"], adjudication["code_id"]),
                       settled_by=adjudication["adjudicator"],
                       settled_at=adjudication["created_at"][:16].replace("T", " ") + " UTC",
                       note=adjudication["note"] if isinstance(adjudication["note"], str) else "")
        rows.append(row)
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)
