"""Survey answers as a tidy long table: one row per respondent and open question."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pandas as pd

from fritekst.columns import RESERVED_COLUMNS
from fritekst.errors import InputError
from fritekst.survey._mapping import SurveyMapping
from fritekst.names import suggest
from fritekst.survey._table import DEFAULT_MAX_CELL_CHARS, SurveyTable, read_table

FIXED_COLUMNS = ("id", "question", "question_text", "text", "role", "wave")


def load_answers(
    path: str | os.PathLike[str],
    mapping: SurveyMapping,
    *,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
) -> pd.DataFrame:
    """Read a survey export and return its answers, one row per (respondent, text column).

    Columns: ``id``, ``question`` (column name), ``question_text``, ``text`` (the
    cell as read, "" when empty; see :class:`SurveyTable` for the one thing dropped),
    ``role``, ``wave``, one column per attribute (named as in the file), ``source_row``
    (file row, header is row 1). Rows come in the order of ``mapping.text``, then file
    order. Empty answers are kept: deciding what is a non-answer belongs to a later
    stage, which must also count who was asked.

    Ids, roles, waves and attributes are stripped of surrounding whitespace, so
    "Oslo " and "Oslo" are one group; answer text is not touched.

    ``answers.attrs["source"]`` says how the file was read (:meth:`SurveyTable.provenance`: the
    layout recognised, the rows read as headers, the warnings), for the run's manifest.
    """
    table = read_table(path, mapping.sheet, header_rows=mapping.header_rows, max_cell_chars=max_cell_chars,
                       max_rows=mapping.max_rows)
    _check_mapping(table, mapping)
    data = table.data
    rows = pd.Series(table.source_rows, dtype="int64")
    ids = _ids(table, mapping.id) if mapping.id else rows.astype("string")
    role = _keys(data[mapping.role]) if mapping.role else pd.NA
    wave = _keys(data[mapping.wave]) if mapping.wave in data.columns else (mapping.wave or pd.NA)
    attrs = {name: _keys(data[name]) for name in mapping.attrs}
    parts = [
        pd.DataFrame(
            {
                "id": ids,
                "question": question,
                "question_text": table.question_texts[question],
                "text": data[question].fillna(""),
                "role": role,
                "wave": wave,
                **attrs,
                "source_row": rows,
            }
        )
        for question in mapping.text
    ]
    answers = pd.concat(parts, ignore_index=True)
    strings = [*FIXED_COLUMNS, *mapping.attrs]
    answers = answers.astype({name: "string" for name in strings})
    answers.attrs["source"] = table.provenance()
    return answers


def _mapped(mapping: SurveyMapping) -> Iterator[tuple[str, str]]:
    """(mapping key, column) for every column the mapping names; a literal wave is not one."""
    for key in ("text", "attrs"):
        for column in getattr(mapping, key):
            yield key, column
    for key in ("id", "role"):
        if getattr(mapping, key):
            yield key, getattr(mapping, key)


def _check_mapping(table: SurveyTable, mapping: SurveyMapping) -> None:
    file = str(table.path)
    if not mapping.text:
        raise InputError("the mapping names no text column; say which column(s) hold the answers", file=file)
    columns = list(table.data.columns)
    for key, column in _mapped(mapping):
        if column not in columns:
            raise InputError(
                f"no column {column!r} (given as {key}); {suggest(column, columns, 'columns')}", file=file
            )
    for key in ("text", "attrs"):
        names = getattr(mapping, key)
        twice = next((name for i, name in enumerate(names) if name in names[:i]), None)
        if twice is not None:
            raise InputError(
                f"column {twice!r} is listed twice under {key}; list it once", file=file, column=twice
            )
    clash = next((name for name in mapping.attrs if name in RESERVED_COLUMNS), None)
    if clash is not None:
        raise InputError(
            f"attribute column {clash!r} has the name of a column fritekst writes; rename it in the file",
            file=file,
            column=clash,
        )


def _keys(values: pd.Series) -> pd.Series:
    """Grouping values: stripped, with blank cells as NA."""
    return values.str.strip().replace("", pd.NA)


def _ids(table: SurveyTable, column: str) -> pd.Series:
    """Respondent ids, which must be present and unique: codings and quotes are tied to them."""
    ids = _keys(table.data[column])
    first_row: dict[str, int] = {}
    for value, row in zip(ids, table.source_rows, strict=True):
        if pd.isna(value):
            raise InputError(
                "the respondent id is empty; every row needs an id",
                file=str(table.path),
                row=row,
                column=column,
            )
        if value in first_row:
            raise InputError(
                f"id {value!r} is used in both row {first_row[value]} and row {row}; ids must be unique",
                file=str(table.path),
                row=row,
                column=column,
            )
        first_row[value] = row
    return ids
