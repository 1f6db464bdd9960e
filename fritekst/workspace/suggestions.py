"""The model's code suggestions for a stored run under the project's current codebook.

``fritekst run --codebook`` suggests codes while it runs. A project often starts without a
codebook: the coders make one from the themes in the app, or upload one, and the model should
then help them code as it would have. This suggests every answer of a run again under the
current codebook, taught by the codes people have already given (mapped to today's categories),
and saves the suggestions in the store.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fritekst.coders import MODEL_CODER
from fritekst.coding import DEFAULT_PRECISION, CodebookCoder, category_prototypes, codes_today
from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.nynorsk import codebook_readings, machine_texts
from fritekst.run_table import rule_codes, theme_code


def suggest_codes(store, run_id: int, *, cache: EmbeddingCache | None = None, actor: str | None = None,
                  precision: float | None = None) -> int:
    """Suggest codes for run ``run_id`` under the store's current codebook and save them (see
    :meth:`fritekst.store.Store.save_suggestions`); returns how many answers got a suggestion.

    ``precision``: the target precision of the codes given (None: the run's own, as ``fritekst run
    --code-precision`` or the deprecated ``--code-threshold`` set it). Deterministic: the run's
    embedder and seed, the answers in a fixed order (text, respondent, segment), so the same store
    gives the same suggestions."""
    codebook = store.codebook()
    manifest = store.run_manifest(run_id)
    embedder = get_embedder(manifest["embedder"])

    def vectors_of(texts) -> np.ndarray:
        return embed_with_cache(embedder, list(texts), cache).vectors

    category_ids, prototypes = category_prototypes(codebook, lambda texts: vectors_of(codebook_readings(texts, cache)))
    segments = store.segments(run_id)
    people = codes_today(store.people_codes().drop_duplicates("segment_id", keep="last"), codebook)[0]
    human = dict(zip(people["segment_id"], people["code_id"]))
    columns = rule_codes(segments).assign(segment_id=segments["segment_id"])
    seed = int(manifest.get("seed", 0) or 0)
    settings = manifest.get("config", {})
    threshold = settings.get("code_threshold") if precision is None else None
    precision = precision or settings.get("code_precision") or DEFAULT_PRECISION
    for _, group in segments[~segments["non_answer"]].groupby("question", sort=False):
        rows = group.sort_values(["text", "id", "segment"], kind="stable").index
        languages = segments.loc[rows, "language"] if "language" in segments else None
        vectors = vectors_of(machine_texts(segments.loc[rows, "text"], languages, cache))  # Nynorsk read as the run did
        coder = CodebookCoder(prototypes, category_ids, precision=precision, threshold=threshold, random_state=seed)
        coder.fit(vectors, [human.get(s, "") for s in segments.loc[rows, "segment_id"]])
        suggestions = coder.suggest(vectors)
        columns.loc[rows, "code_id"] = [s.code_id for s in suggestions]
        columns.loc[rows, "codes"] = [";".join(s.codes) for s in suggestions]
        columns.loc[rows, "confidence"] = [s.confidence for s in suggestions]
        columns.loc[rows, "coded_by"] = MODEL_CODER
    answered = segments.assign(code_id=columns["code_id"])[~segments["non_answer"]]
    themes = store.themes(run_id)[["question", "theme_id"]]
    theme_rows = [
        {"question": question, "theme_id": theme_id,
         **theme_code(answered.loc[(answered["question"] == question) & (answered["theme_id"] == theme_id), "code_id"])}
        for question, theme_id in zip(themes["question"], themes["theme_id"])
    ]
    store.save_suggestions(run_id, codebook, columns, pd.DataFrame(theme_rows), actor=actor)
    return int((columns["code_id"] != "").sum())
