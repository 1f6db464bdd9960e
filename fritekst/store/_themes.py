"""A coder's edits of a run's themes: rename (a theme or a broad theme), and regroup (merge,
split) with recounted themes.

Runs keep what the machine found, but coders own the themes they report: these edits change the
run's rows in place and write the state before and after to the audit log.

Several coders edit the same themes, so an edit says what it was made from (``seen``, from
:func:`theme_versions`) and is refused with :class:`ThemeChanged` when one of its themes has
changed since, instead of landing on top of the other coder's edit. A theme's version is its
label and its members, not a store revision: edits of other themes, and codings, never block.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select, update

from fritekst.errors import InputError
from fritekst.run_table import ALL_THEME_COLUMNS
from fritekst.store import _audit
from fritekst.store._engine import frame
from fritekst.store._runs import _plain
from fritekst.store._schema import Answer, Question, Run, RunSegment, RunTheme, Segment


class ThemeChanged(InputError):
    """A theme edit made from themes that someone else has renamed, merged or split since."""

    def __init__(self, question: str, theme_ids: Iterable[int]) -> None:
        self.question = question
        self.theme_ids = tuple(theme_ids)
        which = ", ".join(map(str, self.theme_ids))
        super().__init__(
            f"theme{'s' if len(self.theme_ids) > 1 else ''} {which} of question {question!r} changed after you "
            "loaded it (someone else renamed, merged or split it); nothing was saved. Reload the themes and "
            "make your change again", column="theme_id",
        )

    @classmethod
    def check(cls, question: str, seen: Mapping[int, str], current: Mapping[int, str],
              theme_ids: Iterable[int]) -> None:
        """Raise unless each of ``theme_ids`` has the version in ``current`` that it had in ``seen``
        (a theme that is gone, or was not there, has changed)."""
        changed = sorted({int(t) for t in theme_ids if seen.get(int(t)) != current.get(int(t))})
        if changed:
            raise cls(question, changed)


def theme_versions(themes: pd.DataFrame, segments: pd.DataFrame) -> dict[int, str]:
    """Each theme's version, a digest of its label and its segments' ids: ``themes`` as
    :meth:`Store.themes` and ``segments`` as :meth:`Store.segments` give them for one question.

    Keywords and representatives are left out: every regroup recounts them for all the
    question's themes, so they would make an edit of one theme look like a change of all.
    """
    members = segments.groupby("theme_id")["segment_id"].agg(lambda ids: ",".join(map(str, sorted(map(int, ids)))))
    versions = {}
    for theme, label in zip(themes["theme_id"], themes["label"]):
        text = f"{'' if pd.isna(label) else label}\n{members.get(theme, '')}"
        versions[int(theme)] = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return versions


def _stored_versions(connection: Connection, run_id: int, question: str) -> dict[int, str]:
    """The question's theme versions as stored now, after waiting for any other theme edit of the
    run to finish (SQLite's write transaction already waits; on PostgreSQL the run's row lock does,
    in its weaker form that lets codings referring to the run go on)."""
    connection.execute(select(Run.id).where(Run.id == run_id).with_for_update(key_share=True))
    themes = frame(connection, select(RunTheme.theme_id, RunTheme.label)
                   .where(RunTheme.run_id == run_id, RunTheme.question == question))
    segments = frame(connection, select(RunSegment.segment_id, RunSegment.theme_id)
                     .join(Segment, Segment.id == RunSegment.segment_id).join(Answer, Answer.id == Segment.answer_id)
                     .join(Question, Question.id == Answer.question_id)
                     .where(RunSegment.run_id == run_id, Question.name == question))
    return theme_versions(themes, segments)


def _theme_rows(connection: Connection, run_id: int, question: str) -> list[dict]:
    rows = connection.execute(
        select(RunTheme).where(RunTheme.run_id == run_id, RunTheme.question == question).order_by(RunTheme.position)
    ).mappings().all()
    return [{key: row[key] for key in ("position", *ALL_THEME_COLUMNS)} for row in rows]


def rename_theme(connection: Connection, run_id: int, question: str, theme_id: int, label: str, actor: str,
                 seen: Mapping[int, str] | None = None) -> None:
    """Rename a theme; a broad theme left whole (the only theme under its ``parent_theme``) is
    one heading, so its broad label is renamed with it (decision 021: a report prints it)."""
    label = _label(label)
    if seen is not None:
        ThemeChanged.check(question, seen, _stored_versions(connection, run_id, question), [theme_id])
    rows = _theme_rows(connection, run_id, question)
    theme = [row for row in rows if row["theme_id"] == theme_id]
    if not theme:
        raise InputError(f"no theme {theme_id} in question {question!r} of run {run_id}", column="theme_id")
    parent = theme[0]["parent_theme"]
    whole = parent is not None and [row["theme_id"] for row in rows if row["parent_theme"] == parent] == [theme_id]
    _rename(connection, run_id, question, theme, {"label": label, **({"parent_label": label} if whole else {})},
            actor, "rename_theme")


def rename_broad_theme(connection: Connection, run_id: int, question: str, parent_theme: int, label: str,
                       actor: str, seen: Mapping[int, str] | None = None) -> None:
    """Rename a broad theme: the ``parent_label`` of each of its sub-themes (and the label of the
    one theme of a broad theme left whole, as :func:`rename_theme` does)."""
    label = _label(label)
    rows = [row for row in _theme_rows(connection, run_id, question) if row["parent_theme"] == parent_theme]
    if not rows:
        raise InputError(f"no broad theme {parent_theme} in question {question!r} of run {run_id}",
                         column="parent_theme")
    if seen is not None:
        ThemeChanged.check(question, seen, _stored_versions(connection, run_id, question),
                           [row["theme_id"] for row in rows])
    _rename(connection, run_id, question, rows, {"parent_label": label, **({"label": label} if len(rows) == 1 else {})},
            actor, "rename_broad_theme")


def _label(label: str) -> str:
    label = label.strip()
    if not label:
        raise InputError("a theme needs a label", column="label")
    return label


def _rename(connection: Connection, run_id: int, question: str, rows: list[dict], values: dict[str, str],
            actor: str, action: str) -> None:
    """Set ``values`` on the theme ``rows`` (as :func:`_theme_rows` gives them) and log each change."""
    connection.execute(update(RunTheme).where(RunTheme.run_id == run_id, RunTheme.question == question,
                                              RunTheme.theme_id.in_([row["theme_id"] for row in rows]))
                       .values(**values))
    for row in rows:
        _audit.record(connection, actor, action, "run", run_id, row, {**row, **values})


def regroup_themes(connection: Connection, run_id: int, question: str, moves: dict[int, int],
                   themes: pd.DataFrame, actor: str, action: str, seen: Mapping[int, str] | None = None) -> None:
    """Move segments to other themes (``moves``: segment id -> theme id) and replace the question's
    themes by ``themes`` (ALL_THEME_COLUMNS columns, recounted by the caller) in one step. ``themes``
    replaces all of the question's themes, so ``seen`` (the versions the recount was made from)
    must still hold for all of them."""
    if seen is not None:
        stored = _stored_versions(connection, run_id, question)
        ThemeChanged.check(question, seen, stored, set(seen) | set(stored))
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
                     **{k: _plain(v) for k, v in theme.items() if k in ALL_THEME_COLUMNS and k != "question"}})
    if rows:
        connection.execute(insert(RunTheme), rows)
    _audit.record(connection, actor, action, "run", run_id,
                  {"themes": before_themes, "segments": before_moves},
                  {"themes": [{k: r[k] for k in r if k != "run_id"} for r in rows], "segments": moves})
