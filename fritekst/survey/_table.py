"""A survey export of any format as one table of text cells."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fritekst.errors import InputError
from fritekst.survey._headers import Header, split_header
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
    ".por": "por",
    ".dta": "dta",
}
_LABELLED = ("sav", "por", "dta")  # statistics files: variables with labels, no header rows

Row = tuple[int, list[str | None]]


class SurveyWarning(UserWarning):
    """Something about a survey file the user should know, though it was read: a header row judged
    on thin evidence, a date that could not be read. One line, naming the file and row."""


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
        Column name -> question text: the header row holding the wording (Questback's second
        row, Qualtrics' second, SurveyMonkey's first), SPSS/Stata variable labels, else the
        column name.
    source_rows : tuple of int
        The file row of each data row as the user sees it (spreadsheet row, first row is
        row 1; for .sav, .por and .dta the case number).
    path, format : Path, str
        The file and "csv", "xlsx", "sav", "por" or "dta".
    encoding, delimiter : str or None
        What was detected in a CSV file (``utf-8-sig``/``utf-16-le``/``utf-16-be``
        mean a byte-order mark was found); None for other formats.
    sheet : str or None
        The sheet read from a workbook.
    header_rows : tuple of int
        The file rows read as headers, not answers (none in .sav, .por and .dta).
    layout : str or None
        The survey tool whose export layout was recognised ("Qualtrics", "SurveyMonkey", …;
        see :data:`fritekst.survey._headers.LAYOUTS`), or None.
    warnings : tuple of str
        One line each about what was read on thin evidence (also issued as
        :class:`SurveyWarning`).
    """

    data: pd.DataFrame
    question_texts: dict[str, str]
    source_rows: tuple[int, ...]
    path: Path
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_rows: tuple[int, ...] = ()
    layout: str | None = None
    warnings: tuple[str, ...] = ()

    def provenance(self) -> dict:
        """How the file was read, for a run's manifest: layout, header rows and warnings."""
        return {"layout": self.layout, "header_rows": list(self.header_rows), "warnings": list(self.warnings)}


def read_table(
    path: str | os.PathLike[str],
    sheet: str | None = None,
    *,
    header_rows: int | None = None,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> SurveyTable:
    """Read a CSV, XLSX, SPSS (.sav, .por) or Stata (.dta) export into a :class:`SurveyTable`.

    ``header_rows`` says how many rows, from the first non-blank one, head the data; None
    detects them (:func:`fritekst.survey._headers.split_header`).
    A file with more than ``max_rows`` rows (header and blank rows count; in .sav, cases) is refused;
    a workbook or statistics file is read no further than that.
    Any problem with the file is raised as :class:`~fritekst.errors.InputError`
    naming the file, row and column; what was read on thin evidence is issued as a
    :class:`SurveyWarning` too.
    """
    from fritekst.survey._csv import read_delimited
    from fritekst.survey._sav import read_labelled
    from fritekst.survey._xlsx import read_xlsx

    path = Path(path)
    fmt = _format_of(path)
    if sheet is not None and fmt != "xlsx":
        raise InputError(
            f"a sheet ({sheet!r}) was given, but a {fmt} file has no sheets; leave the sheet out",
            file=str(path),
        )
    if header_rows is not None and fmt in _LABELLED:
        raise InputError(
            f"header rows ({header_rows}) were given, but a .{fmt} file has none (its variable labels are the "
            "question texts); leave header rows out",
            file=str(path),
        )
    if header_rows is not None and header_rows < 1:
        raise InputError(f"header rows must be at least 1, not {header_rows}", file=str(path))
    _check_file(path)
    meta: dict[str, str | None] = {}
    labels: dict[str, str] = {}
    if fmt in _LABELLED:
        names, body, labels, notes = read_labelled(path, fmt, max_rows + 1)
        _check_row_count(path, len(body), max_rows, None)
        header = Header(rows=(), names=list(names), names_row=None, texts=None, texts_row=None, layout=None,
                        warnings=tuple(notes))
        body = _clean(path, body, len(names))
    else:
        if fmt == "csv":
            records, meta["encoding"], meta["delimiter"] = read_delimited(path, _read_bytes(path))
            rows: list[Row] = [(number, list(cells)) for number, cells in enumerate(records, start=1)]
        else:
            rows, meta["sheet"] = read_xlsx(path, sheet, max_rows + 1)
        _check_row_count(path, len(rows), max_rows, meta.get("sheet"))
        rows = _rows(path, rows, meta.get("sheet"))
        header = split_header(rows, header_rows, str(path))
        body = rows[len(header.rows) :]
    for message in header.warnings:  # before the table is made: a warning can explain the error that follows
        warnings.warn(message, SurveyWarning, stacklevel=2)
    return _tabulate(path, fmt, header, body, labels, max_cell_chars, meta)


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


def _rows(path: Path, rows: list[Row], sheet: str | None) -> list[Row]:
    """The rows from the first non-blank one on: Excel users often leave blank rows above a table."""
    start = next((index for index, (_, cells) in enumerate(rows) if not _is_blank(cells)), None)
    if start is None:
        where = f"sheet {sheet!r}" if sheet else "the file"
        raise InputError(f"{where} has no header row: it is blank", file=str(path))
    return _clean(path, rows[start:], len(rows[start][1]))


def _clean(path: Path, rows: list[Row], width: int) -> list[Row]:
    """The non-blank rows (no one's answers), as text without the characters XML forbids, ``width`` cells each."""
    kept: list[Row] = []
    for number, cells in rows:
        cells = [_xml_text(cell) or None for cell in cells]  # CSV gives "" where a spreadsheet gives None
        extra = next((i for i, cell in enumerate(cells[width:], start=width + 1) if cell is not None), None)
        if extra is not None:
            raise InputError(
                f"there is a value in column {extra}, but only {width} columns have a header; "
                "give that column a header, or if a delimiter inside an answer split it, quote the answer",
                file=str(path),
                row=number,
            )
        if not _is_blank(cells):
            kept.append((number, cells[:width] + [None] * (width - len(cells))))
    return kept


def _tabulate(
    path: Path,
    fmt: str,
    header: Header,
    body: list[Row],
    labels: dict[str, str],
    max_cell_chars: int,
    meta: dict[str, str | None],
) -> SurveyTable:
    file = str(path)
    labels = {name: _xml_text(label) for name, label in labels.items()}
    names = _column_names(path, header.names, header.names_row, body)
    keep = [i for i, name in enumerate(names) if name is not None]
    names = [names[i] for i in keep]
    rows = [(number, [cells[i] for i in keep]) for number, cells in body]
    texts = [header.texts[i] for i in keep] if header.texts is not None else None
    if not rows:
        if len(header.rows) > 1:
            raise InputError(
                f"rows {header.rows[0]}-{header.rows[-1]} were read as header rows, and there are no answers below "
                f"them; export the answers too, or if row {header.rows[-1]} holds answers, give --header-rows "
                f"{len(header.rows) - 1}",
                file=file,
            )
        raise InputError("there is a header row but no data rows; export the answers too", file=file)
    _check_cells(path, names, ([(header.texts_row, texts)] if header.texts_row is not None else []) + rows,
                 max_cell_chars)
    question_texts = {name: labels.get(name, name) for name in names}
    if texts is not None:
        question_texts = {name: (text.strip() if text and text.strip() else name) for name, text in zip(names, texts, strict=True)}
    data = pd.DataFrame([cells for _, cells in rows], columns=names, dtype="string")
    return SurveyTable(
        data=data,
        question_texts=question_texts,
        source_rows=tuple(number for number, _ in rows),
        path=path,
        format=fmt,
        header_rows=header.rows,
        layout=header.layout,
        warnings=header.warnings,
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
