"""YAML in and out, with errors that name the file and line a person must fix.

Anchors and aliases (``&name``, ``*name``, merge keys ``<<: *name``) are refused where they stand,
before a node is built: a codebook has no use for them, and aliases nested a few deep make a few
hundred bytes expand to gigabytes once walked ("billion laughs"). For the same reason fritekst
never writes them, even when two fields hold the same value.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from fritekst.codebook._checks import problems
from fritekst.codebook._model import Codebook
from fritekst.errors import InputError
from fritekst.files import written_whole


NO_ANCHORS = "YAML anchors and aliases (&name, *name) are not allowed in a codebook; write the values out in full"


class AnchorRefused(yaml.MarkedYAMLError):
    """An anchor or alias, refused where it stands (``problem_mark``)."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing every anchor and alias as it meets it, before composing it."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:  # an AliasEvent, or a node with &anchor
            raise AnchorRefused(problem=NO_ANCHORS, problem_mark=event.start_mark)
        return super().compose_node(parent, index)


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper writing a value shared by two fields twice, never as an alias."""

    def ignore_aliases(self, data) -> bool:
        return True


def load_yaml(source: str) -> tuple[yaml.Node | None, object]:
    """The document's node tree (for line numbers) and its data; raises :class:`yaml.YAMLError`,
    :class:`AnchorRefused` for an anchor or alias."""
    loader = _Loader(source)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _problem(error: yaml.YAMLError) -> str:
    """``line N: what is wrong`` for a YAML error."""
    mark = getattr(error, "problem_mark", None)
    line = f"line {mark.line + 1}: " if mark is not None else ""
    if isinstance(error, AnchorRefused):
        return f"{line}{error.problem}"
    return f"{line}not valid YAML ({getattr(error, 'problem', None) or error})"


def load_codebook(path: str | Path) -> Codebook:
    """Read, validate and complete (special categories) a codebook YAML file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("codebook file not found; check the path", file=str(path)) from None
    return parse_codebook(decode_yaml(data, str(path)), str(path))


def decode_yaml(data: bytes, file: str) -> str:
    """YAML bytes as text: UTF-8, with or without a byte-order mark (as Windows editors save it)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"line {line}: the codebook is not UTF-8 text; save it as UTF-8", file=file) from None


def parse_codebook(source: str, file: str = "<codebook>") -> Codebook:
    """A validated codebook with the special categories, from YAML text; every problem is an
    :class:`InputError` naming ``file`` and the line."""
    try:
        root, data = load_yaml(source)
    except yaml.YAMLError as error:
        raise InputError(_problem(error), file=file) from None
    if not isinstance(data, dict):
        raise InputError("line 1: a codebook is a mapping with 'name' and 'categories'", file=file)
    lines = _line_numbers(root)
    try:
        codebook = Codebook.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(first["loc"])
        what = ".".join(str(part) for part in location) or "codebook"
        message = first["msg"].removeprefix("Value error, ")
        raise InputError(f"line {_line_for(lines, location)}: {what}: {message}", file=file) from None
    _check_structure(codebook, lines, file)
    return codebook.with_special_categories()


def _check_structure(codebook: Codebook, lines: dict[tuple, int], file: str) -> None:
    """The rules between categories and of the change log (``_checks``), placed by line."""
    for problem in problems(codebook, lambda location: f"line {_line_for(lines, location)}"):
        raise InputError(problem, file=file)


def _line_numbers(node, path: tuple = ()) -> dict[tuple, int]:
    """Map each key path (e.g. ("categories", 3, "label")) to its 1-based line."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(_line_numbers(value, (*path, key.value)))
            lines[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_numbers(item, (*path, index)))
    return lines


def _line_for(lines: dict[tuple, int], location: tuple) -> int:
    """The line of ``location``, or of its nearest enclosing node (a missing key's mapping)."""
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return 1


def dump_codebook(codebook: Codebook) -> str:
    """YAML a person can read: own categories only (specials are implied), empty fields left out,
    the change log last and only when there is one."""
    data = codebook.model_dump(exclude={"categories", "changes", "sets"} | ({"levels"} if codebook.levels == 2 else set()))
    data["categories"] = [_plain(c.model_dump(exclude_defaults=True)) for c in codebook.categories if not c.special]
    if codebook.sets:
        data["sets"] = [_plain(code_set.model_dump(exclude_defaults=True)) for code_set in codebook.sets]
    if codebook.changes:
        data["changes"] = [_plain(change.model_dump(by_alias=True, exclude_defaults=True)) for change in codebook.changes]
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _plain(value):
    """Tuples as lists, recursively: safe_dump writes only plain YAML types."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def save_codebook(codebook: Codebook, path: str | Path) -> Path:
    path = Path(path)
    with written_whole(path) as temporary:
        temporary.write_text(dump_codebook(codebook), encoding="utf-8")
    return path
