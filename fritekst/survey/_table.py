"""A survey export of any format as one table of text cells."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fritekst.errors import InputError
from fritekst.xml_text import xml_text

DEFAULT_MAX_CELL_CHARS = 100_000
DEFAULT_MAX_ROWS = 1_000_000
_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".sav": "sav",
    ".zsav": "sav",
}

Row = tuple[int, list[str | None]]


@dataclass(frozen=True, eq=False)
class SurveyTable:
    """A survey export read as text, with enough provenance to point the user back into the file.

    Attributes
    ----------
    data : DataFrame
        One column per file column (header names, stripped), cells as strings
        (dtype ``string``), ``<NA>`` for empty cells. No cleaning: whitespace is kept; only
        control characters XML cannot hold are dropped (:func:`fritekst.xml_text.xml_text`),
        so that neither a run nor the store carries one into a Word or Excel report.
    question_texts : dict
        Column name -> question text: Questback's second row, SPSS variable labels,
        else the column name.
    source_rows : tuple of int
        The file row of each data row as the user sees it (spreadsheet row, header is
        row 1; for .sav the case number).
    path, format : Path, str
        The file and "csv", "xlsx" or "sav".
    encoding, delimiter : str or None
        What was detected in a CSV file (``utf-8-sig``/``utf-16-le``/``utf-16-be``
        mean a byte-order mark was found); None for other formats.
    sheet : str or None
        The sheet read from a workbook.
    questback_header : bool
        Whether the row after the header was taken as question texts.
    """

    data: pd.DataFrame
    question_texts: dict[str, str]
    source_rows: tuple[int, ...]
    path: Path
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    questback_header: bool = False


def read_table(
    path: str | os.PathLike[str],
    sheet: str | None = None,
    *,
    questback_header: bool | None = None,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> SurveyTable:
    """Read a CSV, XLSX or SPSS .sav export into a :class:`SurveyTable`.

    ``questback_header`` forces (True) or forbids (False) reading the row after the
    header as question texts; None detects it (see :func:`is_questback_row`).
    A file with more than ``max_rows`` rows (header and blank rows count; in .sav, cases) is refused;
    a workbook or SPSS file is read no further than that.
    Any problem with the file is raised as :class:`~fritekst.errors.InputError`
    naming the file, row and column.
    """
    from fritekst.survey._csv import read_delimited
    from fritekst.survey._sav import read_sav
    from fritekst.survey._xlsx import read_xlsx

    path = Path(path)
    fmt = _format_of(path)
    if sheet is not None and fmt != "xlsx":
        raise InputError(
            f"a sheet ({sheet!r}) was given, but a {fmt} file has no sheets; leave the sheet out",
            file=str(path),
        )
    _check_file(path)
    meta: dict[str, str | None] = {}
    labels: dict[str, str] = {}
    header_row: int | None = None
    if fmt == "sav":
        header, body, labels = read_sav(path, max_rows + 1)
        _check_row_count(path, len(body), max_rows, None)
    else:
        if fmt == "csv":
            records, meta["encoding"], meta["delimiter"] = read_delimited(path, _read_bytes(path))
            rows: list[Row] = [(number, list(cells)) for number, cells in enumerate(records, start=1)]
        else:
            rows, meta["sheet"] = read_xlsx(path, sheet, max_rows + 1)
        _check_row_count(path, len(rows), max_rows, meta.get("sheet"))
        header_row, header, body = _split_header(path, rows, meta.get("sheet"))
    return _tabulate(path, fmt, header, header_row, body, labels, questback_header, max_cell_chars, meta)


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            "old Excel .xls files cannot be read; open the file in Excel and save it as .xlsx", file=str(path)
        )
    if suffix not in _FORMATS:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(
            f"unknown file type {suffix or '(no extension)'!r}; use one of {known}", file=str(path)
        )
    return _FORMATS[suffix]


def _check_file(path: Path) -> None:
    """Fail on a missing, unreadable or empty file before any reader gives its own, vaguer error."""
    if not _read_bytes(path, 1):
        raise InputError("the file is empty (0 bytes); export the survey again", file=str(path))


def _read_bytes(path: Path, size: int = -1) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(size)
    except FileNotFoundError:
        raise InputError("file not found; check the path", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a file", file=str(path)) from None
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror or error})", file=str(path)) from None


def _check_row_count(path: Path, rows: int, max_rows: int, sheet: str | None) -> None:
    if rows > max_rows:
        where = f"sheet {sheet!r}" if sheet else "the file"
        raise InputError(
            f"{where} has more than {max_rows:,} rows; if the survey is that large, raise --max-rows "
            "(max_rows in the mapping file)",
            file=str(path),
            row=max_rows + 1,
        )


def _is_blank(cells: Sequence[str | None]) -> bool:
    return all(cell is None or not cell.strip() for cell in cells)


def _split_header(path: Path, rows: list[Row], sheet: str | None) -> tuple[int, list[str | None], list[Row]]:
    """The first non-blank row is the header: Excel users often leave blank rows above a table."""
    for index, (number, cells) in enumerate(rows):
        if not _is_blank(cells):
            return number, cells, rows[index + 1 :]
    where = f"sheet {sheet!r}" if sheet else "the file"
    raise InputError(f"{where} has no header row: it is blank", file=str(path))


def _tabulate(
    path: Path,
    fmt: str,
    header: Sequence[str | None],
    header_row: int | None,
    body: list[Row],
    labels: dict[str, str],
    questback_header: bool | None,
    max_cell_chars: int,
    meta: dict[str, str | None],
) -> SurveyTable:
    file = str(path)
    header = [_xml_text(cell) for cell in header]
    labels = {name: _xml_text(label) for name, label in labels.items()}
    width = len(header)
    rows: list[Row] = []
    for number, cells in body:
        cells = [_xml_text(cell) or None for cell in cells]  # CSV gives "" where a spreadsheet gives None
        extra = next((i for i, cell in enumerate(cells[width:], start=width + 1) if cell is not None), None)
        if extra is not None:
            raise InputError(
                f"there is a value in column {extra}, but only {width} columns have a header; "
                "give that column a header, or if a delimiter inside an answer split it, quote the answer",
                file=file,
                row=number,
            )
        if not _is_blank(cells):
            rows.append((number, cells[:width] + [None] * (width - len(cells))))
    names = _column_names(path, header, header_row, rows)
    keep = [i for i, name in enumerate(names) if name is not None]
    names = [names[i] for i in keep]
    rows = [(number, [cells[i] for i in keep]) for number, cells in rows]
    if not rows:
        raise InputError("there is a header row but no data rows; export the answers too", file=file)
    _check_cells(path, names, rows, max_cell_chars)
    if questback_header is None:
        questback_header = fmt != "sav" and is_questback_row(names, rows[0][1])
    question_texts = {name: labels.get(name, name) for name in names}
    if questback_header:
        question_texts = {
            name: (text.strip() if text and text.strip() else name)
            for name, text in zip(names, rows[0][1], strict=True)
        }
        rows = rows[1:]
        if not rows:
            raise InputError(
                "there is a header and a question-text row but no answers; export the answers too", file=file
            )
    data = pd.DataFrame([cells for _, cells in rows], columns=names, dtype="string")
    return SurveyTable(
        data=data,
        question_texts=question_texts,
        source_rows=tuple(number for number, _ in rows),
        path=path,
        format=fmt,
        questback_header=questback_header,
        **meta,
    )


def _check_cells(path: Path, names: list[str], rows: list[Row], max_cell_chars: int) -> None:
    """Every cell, the question-text row too: not over ``max_cell_chars``, and no NUL character.

    A NUL is in no typed text; it is a damaged or binary file, and PostgreSQL cannot store it (the
    CSV reader's own test for NUL bytes looks at the first 64 KiB only).
    """
    for number, cells in rows:
        for name, cell in zip(names, cells, strict=True):
            if cell is None:
                continue
            if "\x00" in cell:
                raise InputError(
                    "the cell holds a NUL character (0x00), which no typed answer has: the file is damaged "
                    "or not the export it looks like; export the survey again",
                    file=str(path),
                    row=number,
                    column=name,
                )
            if len(cell) > max_cell_chars:
                raise InputError(
                    f"the cell has {len(cell):,} characters, over the limit of {max_cell_chars:,}; "
                    "a missing closing quote can swallow the rest of a file, or raise max_cell_chars",
                    file=str(path),
                    row=number,
                    column=name,
                )


def _xml_text(cell: str | None) -> str | None:
    """A cell without the characters XML forbids; one holding a NUL is kept as it is, for
    :func:`_check_cells` to refuse (a NUL is a damaged file, not a stray control character)."""
    return xml_text(cell) if cell and "\x00" not in cell else cell


def _column_names(
    path: Path, header: Sequence[str | None], header_row: int | None, rows: list[Row]
) -> list[str | None]:
    """Stripped header names; None for an unnamed, empty column, ``column_N`` for an unnamed one with data."""
    names: list[str | None] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        if cell and "\x00" in cell:
            raise InputError(
                f"the header of column {index + 1} holds a NUL character (0x00): the file is damaged or not "
                "the export it looks like; export the survey again",
                file=str(path),
                row=header_row,
            )
        name = cell.strip() if cell else ""
        if not name:
            has_data = any(cells[index] is not None for _, cells in rows)
            name = f"column_{index + 1}" if has_data else ""
        if name in seen:
            raise InputError(
                f"two columns are named {name!r} (columns {seen[name]} and {index + 1}); rename one of them",
                file=str(path),
                row=header_row,
                column=name,
            )
        if name:
            seen[name] = index + 1
        names.append(name or None)
    return names


def is_questback_row(names: Sequence[str], cells: Sequence[str | None]) -> bool:
    """Whether the row after the header holds question texts, as in Questback exports.

    It does when all three hold:

    1. no cell in it is a number (a respondent's row nearly always has an id, a
       kommunenummer or a count in it);
    2. more than half of its cells look like question texts: ending in "?" or ":",
       or at least 20 characters and twice as long as the column's header;
    3. at least one ends in "?".

    A rule this simple can misjudge a file; ``read_table(questback_header=...)``
    overrides it.
    """
    texts = [(cell or "").strip() for cell in cells]
    if not names or any(_is_number(text) for text in texts if text):
        return False
    questions = sum(
        text.endswith(("?", ":")) or (len(text) >= 20 and len(text) >= 2 * len(name))
        for name, text in zip(names, texts, strict=True)
    )
    return questions > len(names) / 2 and any(text.endswith("?") for text in texts)


def _is_number(text: str) -> bool:
    try:
        float(text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return False
    return True
