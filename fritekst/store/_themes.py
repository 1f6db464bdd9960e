"""A coder's edits of a run's themes: rename, and regroup (merge, split) with recounted themes.

Runs keep what the machine found, but coders own the themes they report: these edits change the
run's rows in place and write the state before and after to the audit log.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select, update

from fritekst.errors import InputError
from fritekst.store import _audit
from fritekst.store._runs import THEME_FIELDS, _plain
from fritekst.store._schema import RunSegment, RunTheme


def _theme_rows(connection: Connection, run_id: int, question: str) -> list[dict]:
    rows = connection.execute(
        select(RunTheme).where(RunTheme.run_id == run_id, RunTheme.question == question).order_by(RunTheme.position)
    ).mappings().all()
    return [{key: row[key] for key in ("position", *THEME_FIELDS)} for row in rows]


def rename_theme(connection: Connection, run_id: int, question: str, theme_id: int, label: str, actor: str) -> None:
    label = label.strip()
    if not label:
        raise InputError("a theme needs a label", column="label")
    before = [row for row in _theme_rows(connection, run_id, question) if row["theme_id"] == theme_id]
    if not before:
        raise InputError(f"no theme {theme_id} in question {question!r} of run {run_id}", column="theme_id")
    connection.execute(update(RunTheme).where(RunTheme.run_id == run_id, RunTheme.question == question,
                                              RunTheme.theme_id == theme_id).values(label=label))
    _audit.record(connection, actor, "rename_theme", "run", run_id, before[0], {**before[0], "label": label})


def regroup_themes(connection: Connection, run_id: int, question: str, moves: dict[int, int],
                   themes: pd.DataFrame, actor: str, action: str) -> None:
    """Move segments to other themes (``moves``: segment id -> theme id) and replace the question's
    themes by ``themes`` (THEME_FIELDS columns, recounted by the caller) in one step."""
    before_themes = _theme_rows(connection, run_id, question)
    before_moves = dict(connection.execute(
        select(RunSegment.segment_id, RunSegment.theme_id)
        .where(RunSegment.run_id == run_id, RunSegment.segment_id.in_(list(moves)))
    ).all())
    if len(before_moves) != len(moves):
        raise InputError(f"some segments are not in run {run_id}", column="segment_id")
    for theme_id in sorted(set(moves.values())):
        moved = [segment for segment, target in moves.items() if target == theme_id]
        connection.execute(update(RunSegment).where(RunSegment.run_id == run_id, RunSegment.segment_id.in_(moved))
                           .values(theme_id=theme_id))
    # A theme that stays keeps its place in themes.csv; a new one goes after all others.
    places = {row["theme_id"]: row["position"] for row in before_themes}
    last = connection.scalar(select(func.coalesce(func.max(RunTheme.position), -1)).where(RunTheme.run_id == run_id))
    connection.execute(delete(RunTheme).where(RunTheme.run_id == run_id, RunTheme.question == question))
    rows = []
    for theme in themes.to_dict("records"):
        if int(theme["theme_id"]) in places:
            position = places[int(theme["theme_id"])]
        else:
            last += 1
            position = last
        rows.append({"run_id": run_id, "position": position, "question": question,
                     **{k: _plain(v) for k, v in theme.items() if k in THEME_FIELDS and k != "question"}})
    if rows:
        connection.execute(insert(RunTheme), rows)
    _audit.record(connection, actor, action, "run", run_id,
                  {"themes": before_themes, "segments": before_moves},
                  {"themes": [{k: r[k] for k in r if k != "run_id"} for r in rows], "segments": moves})
