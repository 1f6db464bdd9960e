"""Versions of a codebook: what changed between two, the next version with its change log, and
codes from earlier waves mapped onto today's ids so that wave-to-wave tables line up.

History only grows: a category that leaves is kept as retired (with where its answers went),
a retired id never comes back, and a change entry is never rewritten. That is what makes old
codes mappable (:func:`harmonise`) years later, when the earlier files are long gone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from pydantic import ConfigDict, Field

from fritekst.codebook._checks import problems
from fritekst.codebook._model import Category, Change, Codebook, Rename
from fritekst.errors import InputError

_RETIREMENT = ("retired", "merged_into", "split_into")


class CodebookDiff(Change):
    """What differs from version ``old_version`` to ``version``; falsy when nothing does.

    The same fields as a change-log entry, plus what a saved version may never contain:
    ``removed`` (categories deleted from the file instead of retired) and ``reactivated``
    (retired categories made active again). ``labels`` holds the label of every id named,
    for :func:`render_diff`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    old_version: int
    removed: tuple[str, ...] = ()
    reactivated: tuple[str, ...] = ()
    labels: dict[str, str] = Field(default_factory=dict)

    def __bool__(self) -> bool:
        unchanged = {"version", "old_version", "date", "labels"}
        return any(getattr(self, name) for name in type(self).model_fields if name not in unchanged)

    def as_change(self, date: datetime.date) -> Change:
        """The change-log entry for this diff."""
        return Change.model_validate({**self.model_dump(include=set(Change.model_fields)), "date": date})


def diff_codebooks(old: Codebook, new: Codebook) -> CodebookDiff:
    """Compare two codebooks by id; merges and splits are read from the newly retired categories."""
    before = {category.id: category for category in old.categories}
    after = {category.id: category for category in new.categories}
    common = [category_id for category_id in after if category_id in before]
    retiring = [i for i in common if after[i].retired is not None and before[i].retired is None]
    returning = [i for i in common if after[i].retired is None and before[i].retired is not None]
    active = {i for i in common if after[i].retired is None and before[i].retired is None}
    edited = {}
    for i in common:  # a label change is a rename; a retirement (or its undoing) is reported as such
        skip = {"id", "label", *(_RETIREMENT if i in retiring or i in returning else ())}
        if fields := _changed(before[i], after[i], skip):
            edited[i] = fields
    return CodebookDiff(
        old_version=old.version,
        version=new.version,
        added=tuple(i for i in after if i not in before),
        renamed={
            i: Rename(from_=before[i].label, to=after[i].label) for i in common if before[i].label != after[i].label
        },
        merged={i: after[i].merged_into for i in retiring if after[i].merged_into},
        split={i: after[i].split_into for i in retiring if after[i].split_into},
        retired=tuple(i for i in retiring if not after[i].merged_into and not after[i].split_into),
        edited=edited,
        metadata=_changed(old, new, {"version", "categories", "changes"}),
        reordered=[i for i in before if i in active] != [i for i in after if i in active],
        removed=tuple(i for i in before if i not in after),
        reactivated=tuple(returning),
        labels={i: category.label for i, category in {**before, **after}.items()},
    )


def _changed(old: Category | Codebook, new: Category | Codebook, skip: set[str]) -> tuple[str, ...]:
    """Names of the fields (known or extra) that differ, in the order they are written."""
    before, after = old.model_dump(exclude=skip), new.model_dump(exclude=skip)
    return tuple(name for name in dict.fromkeys([*before, *after]) if before.get(name) != after.get(name))


def new_version(old: Codebook, edited: Codebook, date: datetime.date | None = None) -> Codebook:
    """``edited`` saved as the version after ``old``, with a change entry saying what changed.

    ``edited`` must have been made from ``old`` (same version): an edit of an outdated version
    would silently undo whatever was saved in between. Categories missing from ``edited`` come
    back retired; categories retired in ``edited`` get the new version as ``retired``, whatever
    number the editor put there. The change log is taken from ``old``: history is not edited.
    Returns ``old`` itself when nothing changed. Raises :class:`InputError` for a retired
    category made active again, a rewritten retirement, or a broken rule (e.g. a merge into a
    category retired in the same version).
    """
    if edited.version != old.version:
        raise InputError(
            f"edited version {edited.version}, but the codebook is at version {old.version}; "
            "reload it and apply your change again"
        )
    version = old.version + 1
    before = {category.id: category for category in old.categories}
    edited = edited.with_special_categories()
    kept = set(edited.ids)
    categories = [
        category.model_copy(update={"retired": version})
        if category.retired is not None and (category.id not in before or before[category.id].retired is None)
        else category
        for category in edited.categories
    ] + [
        category if category.retired is not None else category.model_copy(update={"retired": version})
        for category in old.categories if category.id not in kept
    ]
    candidate = edited.model_copy(update={"version": version, "categories": tuple(categories), "changes": old.changes})
    diff = diff_codebooks(old, candidate)
    if not diff:
        return old
    if diff.reactivated:
        raise InputError(
            f"{', '.join(map(repr, diff.reactivated))} retired in an earlier version and cannot be made active "
            "again; ids are never reused, so add a new category with a new id"
        )
    rewritten = [i for i, fields in diff.edited.items() if before[i].retired is not None and {*fields} & {*_RETIREMENT}]
    if rewritten:
        raise InputError(f"the retirement of {', '.join(map(repr, rewritten))} is history and cannot be changed")
    for problem in problems(candidate, lambda location: ".".join(map(str, location))):
        raise InputError(problem)
    change = diff.as_change(date or datetime.date.today())
    return candidate.model_copy(update={"changes": (*old.changes, change)})


def with_category(codebook: Codebook, category: Category) -> Codebook:
    """``codebook`` with ``category`` replacing the one of the same id, or added at the end."""
    ids = codebook.ids
    if category.id in ids:
        categories = tuple(category if c.id == category.id else c for c in codebook.categories)
    else:
        categories = (*codebook.categories, category)
    return codebook.model_copy(update={"categories": categories})


def merge_category(codebook: Codebook, source: str, target: str) -> Codebook:
    """The edit that retires ``source`` into ``target``; save it with :func:`new_version`."""
    if source == target:
        raise InputError(f"cannot merge {source!r} into itself", column="merged_into")
    retired = codebook.category(source).model_copy(update={"retired": codebook.version + 1, "merged_into": target})
    return with_category(codebook, retired)


def split_category(codebook: Codebook, source: str, parts: Iterable[tuple[str, str]]) -> Codebook:
    """The edit that retires ``source`` into new categories ``parts`` (id, label) under the same
    parent; save it with :func:`new_version`."""
    old = codebook.category(source)
    new = [Category(id=i.strip(), label=label.strip(), parent=old.parent) for i, label in parts]
    if len(new) < 2:
        raise InputError(f"a split of {source!r} needs at least two new categories", column="split_into")
    edited = with_category(codebook, old.model_copy(update={"retired": codebook.version + 1,
                                                             "split_into": tuple(c.id for c in new)}))
    return edited.model_copy(update={"categories": (*edited.categories, *new)})


def harmonise(code_ids: Iterable[str], codebook: Codebook) -> tuple[list[str], tuple[str, ...]]:
    """Codes from any earlier version mapped to the codebook's current ids, and those it cannot map.

    A merged category's codes follow ``merged_into``, through later merges too (a -> b -> c
    gives c). A split category's answers need a coder to choose among its successors, and a
    category retired without successor has none: such codes come back unchanged (or as the
    split category a merge led to) and are listed, sorted, in the second element. Current ids,
    "" (not coded) and ids the codebook does not know pass through unchanged.

    >>> codes, unmapped = harmonise(table["code_id"], codebook)  # doctest: +SKIP
    """
    by_id = {category.id: category for category in codebook.categories}

    def current(code: str) -> str:
        while code in by_id and by_id[code].merged_into:
            code = by_id[code].merged_into
        return code

    codes = [current(code) for code in code_ids]
    unmapped = sorted({code for code in codes if code in by_id and by_id[code].retired is not None})
    return codes, tuple(unmapped)


def render_diff(diff: CodebookDiff) -> str:
    """One line per change, in codebook order; labels as written (Norwegian), the rest English."""
    def named(category_id: str) -> str:
        return f'{category_id} "{diff.labels[category_id]}"'

    versions = f"version {diff.old_version}" + (f" -> {diff.version}" if diff.version != diff.old_version else "")
    lines = [f"Codebook {versions}" + ("" if diff else ": no differences")]
    lines += [f"added: {named(i)}" for i in diff.added]
    lines += [f'renamed: {i} "{rename.from_}" -> "{rename.to}"' for i, rename in diff.renamed.items()]
    lines += [f"merged: {named(i)} into {named(target)}" for i, target in diff.merged.items()]
    lines += [f"split: {named(i)} into {', '.join(map(named, targets))}" for i, targets in diff.split.items()]
    lines += [f"retired: {named(i)}" for i in diff.retired]
    lines += [f"edited: {i} ({', '.join(fields)})" for i, fields in diff.edited.items()]
    lines += [f"codebook: {', '.join(diff.metadata)} changed"] if diff.metadata else []
    lines += ["order: categories are in a new order"] if diff.reordered else []
    lines += [f"removed: {named(i)} (deleted; a category that leaves must stay in the file, retired)"
              for i in diff.removed]
    lines += [f"reactivated: {named(i)} (was retired; retired ids are never reused)" for i in diff.reactivated]
    return "\n".join(lines)
