"""The first-time path: a run made without a codebook offers its themes as categories.

A coder who ran ``fritekst run … --db`` without ``--codebook`` has themes but nothing to code
with. Each theme becomes a draft category — its label, its keywords, its representative answers
as examples — which the coder edits in a table before saving it as a codebook version.
"""

from __future__ import annotations

import pandas as pd

from fritekst.codebook import Category, Codebook, with_category
from fritekst.codebook._ids import slug, unique_id

DRAFT_COLUMNS = ["include", "id", "label", "keywords", "examples"]


def draft_categories(themes: pd.DataFrame, segments: pd.DataFrame, taken=(), n_examples: int = 3) -> pd.DataFrame:
    """One draft row per theme of ``themes`` (store.themes of one question): ``include`` (True),
    ``id`` (from the label, unique among ``taken`` and each other), ``label``, ``keywords``
    (comma-separated; not the marked ones: a place or a generic word such as «stor» describes no
    category, and a category's keywords shape the suggestions) and ``examples`` (the theme's most
    typical answers, one per line)."""
    answers = segments.groupby(["id"], sort=False)["text"].agg(" ".join) if len(segments) else pd.Series(dtype=str)
    used = set(taken)
    rows = []
    for _, theme in themes.iterrows():
        representatives = [i for i in str(theme.get("representative_ids") or "").split(";") if i in answers.index]
        marked = set(_listed(theme.get("marked_keywords")))
        rows.append({
            "include": True,
            "id": unique_id(slug(str(theme["label"])), used),
            "label": str(theme["label"]),
            "keywords": ", ".join(k for k in _listed(theme.get("keywords")) if k not in marked),
            "examples": "\n".join(answers[i] for i in representatives[:n_examples]),
        })
    return pd.DataFrame(rows, columns=DRAFT_COLUMNS)


def _listed(value) -> list[str]:
    """The items of a comma-separated cell, none for an empty or missing one."""
    return [] if value is None or pd.isna(value) else [item.strip() for item in str(value).split(",") if item.strip()]


def codebook_with_drafts(codebook: Codebook | None, drafts: pd.DataFrame, name: str) -> Codebook:
    """``codebook`` (or a new one called ``name``) with the included drafts added as categories
    (their ids were made unique against the codebook's by :func:`draft_categories`)."""
    chosen = [Category(id=row["id"], label=row["label"],
                       keywords=tuple(k.strip() for k in str(row["keywords"]).split(",") if k.strip()),
                       examples=tuple(e.strip() for e in str(row["examples"]).splitlines() if e.strip()))
              for _, row in drafts[drafts["include"].astype(bool)].iterrows()]
    if codebook is None:
        return Codebook(name=name, categories=tuple(chosen))
    for category in chosen:
        codebook = with_category(codebook, category)
    return codebook
