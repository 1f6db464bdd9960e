"""Which columns of a survey export hold answers, ids, roles, waves and attributes."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from fritekst.errors import InputError
from fritekst.names import suggest
from fritekst.survey._table import DEFAULT_MAX_ROWS


@dataclass(frozen=True)
class SurveyMapping:
    """The user's description of a survey export's columns.

    Attributes
    ----------
    text : tuple of str
        The open-question columns.
    id : str, optional
        Respondent id column; without it a respondent is known by its file row.
    role : str, optional
        Respondent role column (kommunedirektør, integreringsansvarlig, ...).
    attrs : tuple of str
        Attribute columns (kommune, size band, region, ...).
    wave : str, optional
        A column name if the file has such a column, otherwise a literal wave for
        every row ("2021"), since most exports hold a single wave.
    sheet : str, optional
        Workbook sheet; default the first.
    max_rows : int
        The most rows read from the file (blank rows and the header count): a damaged or hostile
        file cannot make a reader run on for millions of rows. The default, 1 000 000, is far
        above any survey's respondents; raise it for a larger file.
    header_rows : int, optional
        How many rows, from the first non-blank one, head the data (column names, question
        texts, a tool's markers); default: detected from the data.
    """

    text: tuple[str, ...]
    id: str | None = None
    role: str | None = None
    attrs: tuple[str, ...] = ()
    wave: str | None = None
    sheet: str | None = None
    max_rows: int = DEFAULT_MAX_ROWS
    header_rows: int | None = None

    def __post_init__(self) -> None:
        # One name where a tuple is meant must mean one column, not one per character.
        for name in ("text", "attrs"):
            value = getattr(self, name)
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))


_KEYS = tuple(field.name for field in fields(SurveyMapping))
_LISTS = ("text", "attrs")
_COUNTS = ("max_rows", "header_rows")


def load_mapping(path: str | os.PathLike[str]) -> SurveyMapping:
    """Read a :class:`SurveyMapping` from a small YAML or TOML file.

    Keys are the mapping's fields; ``text`` and ``attrs`` take one column name or a
    list. Errors name the file and the key, since the file is typed by hand.
    """
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".toml"):
        raise InputError(
            f"a mapping file must be .yaml, .yml or .toml, not {suffix or '(no extension)'!r}", file=file
        )
    try:
        source = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("mapping file not found; check the path", file=file) from None
    except UnicodeDecodeError:
        raise InputError("the mapping file is not UTF-8 text; save it as UTF-8", file=file) from None
    except OSError as error:
        raise InputError(f"cannot read the mapping file ({error.strerror or error})", file=file) from None
    content = _parse_toml(file, source) if suffix == ".toml" else _parse_yaml(file, source)
    if content is None:
        raise InputError(
            "the mapping file is empty; it needs at least a 'text' key naming the answer columns", file=file
        )
    if not isinstance(content, dict):
        raise InputError(
            "the mapping file must hold keys such as 'text: Svar', not a list or a single value", file=file
        )
    for key in content:
        if key not in _KEYS:
            raise InputError(f"unknown key {key!r}; {suggest(str(key), _KEYS, 'keys')}", file=file)
    if "text" not in content:
        raise InputError("missing key 'text': name the column(s) holding the answers", file=file)
    values = {
        key: (_names(file, key, value) if key in _LISTS else _count(file, key, value) if key in _COUNTS
              else _name(file, key, value))
        for key, value in content.items()
    }
    if not values["text"]:
        raise InputError("key 'text' is an empty list; name at least one answer column", file=file)
    return SurveyMapping(**values)


def _parse_yaml(file: str, source: str) -> object:
    import yaml

    try:
        return yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or error
        raise InputError(f"{where}not valid YAML ({problem})", file=file) from None


def _parse_toml(file: str, source: str) -> object:
    import tomllib

    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"not valid TOML ({error})", file=file) from None


def _name(file: str, key: str, value: object) -> str:
    """A column name, sheet or wave. Whole numbers pass, since YAML reads ``wave: 2021`` as one."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"key {key!r} must be a name, not {value!r}; put it in quotes if it is one", file=file)


def _count(file: str, key: str, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise InputError(f"key {key!r} must be a whole number of at least 1, not {value!r}", file=file)


def _names(file: str, key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(_name(file, key, item) for item in value)
    return (_name(file, key, value),)
