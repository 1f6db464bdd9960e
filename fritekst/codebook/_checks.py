"""The rules between categories and of the change log, as one-line problems.

Each check names the place of the problem through ``place``, a function of a key path such as
``("categories", 3, "parent")``: the YAML reader turns it into ``line 14`` of the user's file,
:func:`~fritekst.codebook.new_version` (whose input has no file) into ``categories.3.parent``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fritekst.codebook._model import SPECIAL_CATEGORIES, Category, Change, Codebook

Place = Callable[[tuple], str]
SPECIAL_IDS = frozenset(category.id for category in SPECIAL_CATEGORIES)


def problems(codebook: Codebook, place: Place) -> Iterator[str]:
    """Every broken rule, first in the file first; a caller raises the first one."""
    yield from _id_problems(codebook.categories, place)
    by_id = {category.id: category for category in codebook.categories}
    yield from _parent_problems(codebook.categories, by_id, place, codebook.levels)
    yield from _successor_problems(codebook.categories, by_id, place)
    yield from _set_problems(codebook, by_id, place)
    for index, change in enumerate(codebook.changes):
        yield from _change_problems(index, change, codebook, by_id, place)


def _id_problems(categories: tuple[Category, ...], place: Place) -> Iterator[str]:
    """Unique ids; a retired id is not free again, which is how ids are never reused."""
    first: dict[str, int] = {}
    for index, category in enumerate(categories):
        here = place(("categories", index, "id"))
        if category.id not in first:
            first[category.id] = index
            continue
        there = place(("categories", first[category.id], "id"))
        if category.retired is None and categories[first[category.id]].retired is not None:
            yield (f"{here}: id {category.id!r} belongs to a retired category ({there}); "
                   "ids are never reused, so give the new category a new id")
        else:
            yield f"{here}: duplicate id {category.id!r} (first at {there}); ids must be unique"


def _parent_problems(categories: tuple[Category, ...], by_id: dict[str, Category], place: Place,
                     levels: int) -> Iterator[str]:
    """Known, active parents, no cycles, at most ``levels`` levels (two unless the codebook says more)."""
    for index, category in enumerate(categories):
        if category.parent is None:
            continue
        here = place(("categories", index, "parent"))
        if category.parent not in by_id:
            yield f"{here}: {category.id!r} has unknown parent {category.parent!r}"
            continue
        if category.retired is None and by_id[category.parent].retired is not None:
            yield (f"{here}: {category.id!r} has retired parent {category.parent!r}; "
                   f"choose an active parent or retire {category.id!r} too")
        chain, current = [category.id], category.parent
        while current is not None and current in by_id:
            if current in chain:
                yield f"{here}: parents form a cycle ({' -> '.join([*chain, current])})"
                break
            chain.append(current)
            current = by_id[current].parent
        else:
            if len(chain) > levels:
                yield (f"{here}: {category.id!r} is {_DEPTH.get(len(chain), len(chain))} levels deep "
                       f"({' -> '.join(chain)}); use at most {_DEPTH.get(levels, levels)}, or set 'levels: {len(chain)}'")


_DEPTH = {2: "two", 3: "three", 4: "four", 5: "five"}


def _set_problems(codebook: Codebook, by_id: dict[str, Category], place: Place) -> Iterator[str]:
    """Every code a set lists is a category of the codebook."""
    for index, code_set in enumerate(codebook.sets):
        for j, category_id in enumerate(code_set.codes):
            if category_id not in by_id:
                yield (f"{place(('sets', index, 'codes', j))}: set {code_set.name!r} lists {category_id!r}, "
                       "which is not a category in this codebook")


def _successor_problems(categories: tuple[Category, ...], by_id: dict[str, Category], place: Place) -> Iterator[str]:
    """A retired category's answers go on to categories that were still active at the time.

    Requiring the successor to be retired later (not at the same version) also rules out
    cycles, so a chain of merges always ends.
    """
    for index, category in enumerate(categories):
        if category.retired is None:
            continue
        if category.id in SPECIAL_IDS:
            yield (f"{place(('categories', index, 'retired'))}: {category.id!r} is a special category "
                   "every codebook has; it cannot be retired")
        successors = (
            [(("categories", index, "merged_into"), category.merged_into)] if category.merged_into
            else [(("categories", index, "split_into", j), to) for j, to in enumerate(category.split_into or ())]
        )
        for location, target in successors:
            if target not in by_id:
                yield (f"{place(location)}: {category.id!r} went on to unknown category {target!r}; "
                       "name a category in this file (retired ones stay in it)")
            elif by_id[target].retired is not None and by_id[target].retired <= category.retired:
                yield (f"{place(location)}: {category.id!r} (retired in version {category.retired}) went on to "
                       f"{target!r}, which was retired in version {by_id[target].retired}; "
                       "name the category that took over its answers")


def _change_problems(
    index: int, change: Change, codebook: Codebook, by_id: dict[str, Category], place: Place
) -> Iterator[str]:
    """Versions in order and not ahead of the codebook; every id named is in the file."""
    here = place(("changes", index, "version"))
    if change.version > codebook.version:
        yield (f"{here}: a change for version {change.version}, but the codebook is at version "
               f"{codebook.version}; correct 'version' or the change")
    previous = codebook.changes[index - 1].version if index else 0
    if change.version <= previous:
        yield f"{here}: version {change.version} after version {previous}; list changes oldest first"
    for location, category_id, retired_here in _mentions(index, change):
        if category_id not in by_id:
            yield (f"{place(location)}: {category_id!r} is not a category in this codebook; "
                   "retired categories stay in the file, marked 'retired:'")
        elif retired_here and by_id[category_id].retired is None:
            yield f"{place(location)}: the change retires {category_id!r}, but the category has no 'retired:'"


def _mentions(index: int, change: Change) -> Iterator[tuple[tuple, str, bool]]:
    """(location, id, whether the change retires it) for every id a change names."""
    at = ("changes", index)
    for j, category_id in enumerate(change.added):
        yield (*at, "added", j), category_id, False
    for key in ("renamed", "edited"):
        for category_id in getattr(change, key):
            yield (*at, key, category_id), category_id, False
    for category_id, target in change.merged.items():
        yield (*at, "merged", category_id), category_id, True
        yield (*at, "merged", category_id), target, False
    for category_id, targets in change.split.items():
        yield (*at, "split", category_id), category_id, True
        for j, target in enumerate(targets):
            yield (*at, "split", category_id, j), target, False
    for j, category_id in enumerate(change.retired):
        yield (*at, "retired", j), category_id, True
