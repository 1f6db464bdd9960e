"""YAML in and out, with errors that name the file and line a person must fix."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from fritekst.codebook._checks import problems
from fritekst.codebook._model import Codebook
from fritekst.errors import InputError
from fritekst.files import written_whole


def load_codebook(path: str | Path) -> Codebook:
    """Read, validate and complete (special categories) a codebook YAML file."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("codebook file not found; check the path", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("the codebook is not UTF-8 text; save it as UTF-8", file=str(path)) from None
    return parse_codebook(source, str(path))


def parse_codebook(source: str, file: str = "<codebook>") -> Codebook:
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(f"{line}not valid YAML ({getattr(error, 'problem', None) or error})", file=file) from None
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
    data = codebook.model_dump(exclude={"categories", "changes"})
    data["categories"] = [_plain(c.model_dump(exclude_defaults=True)) for c in codebook.categories if not c.special]
    if codebook.changes:
        data["changes"] = [_plain(change.model_dump(by_alias=True, exclude_defaults=True)) for change in codebook.changes]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


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
