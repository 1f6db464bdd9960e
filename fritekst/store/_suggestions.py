"""The model's code suggestions for a stored run, made again under a codebook version.

A run saved without a codebook has themes but no suggestions; once coders make a codebook in
the app (or change it), the suggestions follow it. The run keeps its themes and segments; its
code columns, its themes' suggested categories and the codebook version it codes with are
replaced, and the new suggestions are appended as the model's codings, so the history of what
the model said under which version stays readable.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Connection, bindparam, select, update

from fritekst.run_table import CODE_COLUMNS, THEME_CODE_COLUMNS
from fritekst.store import _audit
from fritekst.store._codebooks import version_row
from fritekst.store._engine import now
from fritekst.store._runs import _plain
from fritekst.store._schema import MODEL_CODER, Coding, Run, RunSegment, RunTheme



def save_suggestions(connection: Connection, run_id: int, codebook: str, version: int, segments: pd.DataFrame,
                     themes: pd.DataFrame, actor: str) -> int:
    """Write ``segments`` (``segment_id`` and :data:`CODE_COLUMNS`, one row per segment of
    the run) and ``themes`` (``question``, ``theme_id`` and :data:`THEME_CODE_COLUMNS`) as
    run ``run_id``'s suggestions under ``codebook`` version ``version``; returns how many model
    codings were added."""
    run = connection.execute(select(Run).where(Run.id == run_id)).first()
    if run is None:
        raise ValueError(f"no run {run_id} in the store")
    version_id = version_row(connection, codebook, version).id
    connection.execute(
        update(RunSegment).where(RunSegment.run_id == run_id, RunSegment.segment_id == bindparam("sid"))
        .values({c: bindparam(f"v_{c}") for c in CODE_COLUMNS}),
        [{"sid": int(row.segment_id), **{f"v_{c}": _plain(getattr(row, c)) for c in CODE_COLUMNS}}
         for row in segments.itertuples(index=False)],
    )
    if len(themes):
        connection.execute(
            update(RunTheme).where(RunTheme.run_id == run_id, RunTheme.question == bindparam("q"),
                                   RunTheme.theme_id == bindparam("t"))
            .values({c: bindparam(f"v_{c}") for c in THEME_CODE_COLUMNS}),
            [{"q": row.question, "t": int(row.theme_id), **{f"v_{c}": _plain(getattr(row, c))
                                                           for c in THEME_CODE_COLUMNS}}
             for row in themes.itertuples(index=False)],
        )
    columns = json.loads(run.columns)
    connection.execute(update(Run).where(Run.id == run_id).values(
        codebook_version_id=version_id,
        columns=json.dumps({"assignments": _with(columns["assignments"], CODE_COLUMNS, after="outlier"),
                            "themes": _with(columns["themes"], THEME_CODE_COLUMNS, after="n_segments")},
                           ensure_ascii=False),
    ))
    stamp = now()
    suggested = segments[(segments["coded_by"] == MODEL_CODER) & (segments["code_id"] != "")]
    codings = [
        {"segment_id": int(segment_id), "code_id": code, "coder": MODEL_CODER, "codebook_version_id": version_id,
         "created_at": stamp, "run_id": run_id, "confidence": float(confidence), "memo": None,
         "quote_candidate": False}
        for segment_id, code, confidence in zip(suggested["segment_id"], suggested["code_id"], suggested["confidence"])
    ]
    if codings:
        connection.execute(Coding.__table__.insert(), codings)
    _audit.record(connection, actor, "suggest", "run", run_id, {"codebook_version_id": run.codebook_version_id}, {
        "codebook": codebook, "version": version, "model_codings": len(codings),
        "themes_with_a_category": int((themes["suggested_code"] != "").sum()) if len(themes) else 0,
    })
    return len(codings)


def _with(columns: list[str], added: list[str], after: str) -> list[str]:
    """``columns`` with ``added`` that are missing placed after ``after`` (or at the end), as a
    run made with a codebook has them."""
    missing = [c for c in added if c not in columns]
    at = columns.index(after) + 1 if after in columns else len(columns)
    return [*columns[:at], *missing, *columns[at:]]
