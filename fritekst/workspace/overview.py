"""Overview tables: per question, who answered, how much is coded, agreement so far; per
category, how many answers people and the model gave it."""

from __future__ import annotations

import pandas as pd

from fritekst.codebook import Codebook

from fritekst.agreement import from_store, krippendorff_alpha
from fritekst.counts import answer_counts
from fritekst.store import MODEL_CODER


def question_overview(segments: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """One row per question of a run's ``segments`` (store.segments), with ``codings`` the current
    codings (store.current_codings): answered / non-answers / blank, answered per role, the share
    of answered segments a person has coded, and Krippendorff's alpha among coders so far."""
    people = codings[codings["coder"] != MODEL_CODER]
    rows = []
    for question, group in segments.groupby("question", sort=False):
        said = group[~group["non_answer"]]
        coded = said["segment_id"].isin(people["segment_id"])
        shared = people[people["segment_id"].isin(said["segment_id"])]
        roles = said.drop_duplicates("id")["role"].fillna("").replace("", "(uten rolle)").value_counts()
        rows.append({
            "question": question,
            "question_text": group["question_text"].dropna().iloc[0] if group["question_text"].notna().any() else "",
            **answer_counts(group),
            "per_role": roles.sort_index().to_dict(),
            "segments": len(said),
            "coded_share": float(coded.mean()) if len(said) else 0.0,
            "coders": int(shared["coder"].nunique()),
            "alpha": krippendorff_alpha(from_store(shared)) if len(shared) else float("nan"),
        })
    return pd.DataFrame(rows)


def category_overview(codebook: Codebook, codings: pd.DataFrame) -> pd.DataFrame:
    """The active categories with ``n_coded`` (current codings by people, further codes included)
    and ``n_model`` (the model's suggestions)."""
    people = codings[codings["coder"] != MODEL_CODER]
    extras = people["extra_codes"].dropna().str.split(";").explode() if "extra_codes" in people else pd.Series([], dtype=str)
    coded = pd.concat([people["code_id"], extras]).value_counts()
    model = codings[codings["coder"] == MODEL_CODER]["code_id"].value_counts()
    active = [c for c in codebook.categories if c.retired is None]
    return pd.DataFrame({
        "id": [c.id for c in active],
        "label": [c.label for c in active],
        "parent": [c.parent or "" for c in active],
        "n_coded": [int(coded.get(c.id, 0)) for c in active],
        "n_model": [int(model.get(c.id, 0)) for c in active],
        "description": [c.description for c in active],
    })
