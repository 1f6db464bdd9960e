"""Excel workbooks (.xlsx/.xlsm) read cell by cell, as the user sees them.

A cell is read as the value the workbook stores, as Excel shows it. A formula whose value was never
stored, as openpyxl, pandas and other scripts write formulas, would read as an empty cell: such a
workbook is refused, naming the cell, rather than read with answers silently missing (one save in
Excel or LibreOffice calculates and stores every value). It is refused, not warned about, because
an empty answer is counted (as blank) in every figure a report prints.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from fritekst.errors import InputError
from fritekst.names import suggest
from fritekst.survey._cells import cell_text

_RESAVE = "open it in Excel and save it again as .xlsx"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, <x:f …>, <f/>: finds any formula in a sheet's XML

MAX_UNPACKED_BYTES = 10**9
"""The most a workbook may unpack to: 1 GB, summed over the sizes its zip directory declares.

An .xlsx is a zip of XML, and XML of repeated cells packs a thousandfold, so a file of a few
megabytes can unpack to gigabytes that openpyxl would parse for minutes ("zip bomb"). Real
survey exports, tens of thousands of respondents by a few hundred columns, unpack to well under
100 MB; 1 GB leaves ten times that. The declared sizes are checked before openpyxl opens the file,
and they bind: Python's zip reader stops unpacking a member at its declared size (and fails on
the checksum if there was more), so no member unpacks beyond what was checked.
"""


def read_xlsx(
    path: Path, sheet: str | None, row_limit: int, max_unpacked_bytes: int = MAX_UNPACKED_BYTES
) -> tuple[list[tuple[int, list[str | None]]], str]:
    """Return (sheet row number, cells) for the sheet's first ``row_limit`` rows, and the sheet's name."""
    import openpyxl

    _check_unpacked_size(path, max_unpacked_bytes)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike for a damaged file
        raise InputError(
            f"cannot open this as an Excel workbook ({error}); {_RESAVE}", file=str(path)
        ) from None
    try:
        name = sheet if sheet is not None else book.sheetnames[0]
        if name not in book.sheetnames:
            raise InputError(f"no sheet {name!r}; {suggest(name, book.sheetnames, 'sheets')}", file=str(path))
        worksheet = book[name]
        try:
            worksheet.reset_dimensions()  # a wrong stored size would cut rows off
            rows = [
                (number, [cell_text(value) for value in values])
                for number, values in enumerate(
                    itertools.islice(worksheet.iter_rows(values_only=True), row_limit), start=1
                )
            ]
        except Exception as error:  # a damaged sheet only fails once its XML is parsed
            raise InputError(f"cannot read sheet {name!r} ({error}); {_RESAVE}", file=str(path)) from None
        member = worksheet._worksheet_path  # openpyxl's path of the sheet's XML inside the zip
    finally:
        book.close()
    _check_formulas(path, member, rows)
    return rows, name


def _check_formulas(path: Path, member: str, rows: list[tuple[int, list[str | None]]]) -> None:
    """Refuse the first formula cell among ``rows`` whose value was never stored (module docstring)."""
    from openpyxl.utils.cell import get_column_letter

    from fritekst.survey._table import _is_blank

    try:
        found = _uncalculated_formula(path, member, rows[-1][0] if rows else 0)
    except (ElementTree.ParseError, zipfile.BadZipFile) as error:
        raise InputError(f"cannot read the sheet's formulas ({error}); {_RESAVE}", file=str(path)) from None
    if found is None:
        return
    row, column = found
    header_row, header = next(((number, cells) for number, cells in rows if not _is_blank(cells)), (None, []))
    name = header[column - 1] if row != header_row and column <= len(header) else None
    raise InputError(
        f"cell {get_column_letter(column)}{row} holds a formula with no calculated value (the workbook was written "
        "by a program, not saved by Excel), so it would read as blank; open the workbook in Excel or LibreOffice, "
        "save it, and try again",
        file=str(path), row=row, column=name.strip() if name and name.strip() else None,
    )


def _uncalculated_formula(path: Path, member: str, last_row: int) -> tuple[int, int] | None:
    """(row, column) of the first cell up to ``last_row`` that holds a formula and no value: no
    ``<v>``, or an empty one where only a text result (``t="str"``) can be empty. Most sheets hold
    no formula at all, and a plain search of the XML says so before any parsing."""
    from openpyxl.utils.cell import coordinate_to_tuple

    with zipfile.ZipFile(path) as archive:
        with archive.open(member) as source:
            tail = b""
            while chunk := source.read(1 << 20):
                if _FORMULA_TAG.search(tail + chunk):
                    break
                tail = chunk[-16:]
            else:
                return None
        with archive.open(member) as source:
            rows_parent, row, column = None, 0, 0
            for event, element in ElementTree.iterparse(source, events=("start", "end")):
                if event == "start":
                    if element.tag == f"{_MAIN}sheetData":
                        rows_parent = element
                    elif element.tag == f"{_MAIN}row":
                        row, column = int(element.get("r") or row + 1), 0  # "r" is optional in the standard
                        if row > last_row:
                            return None
                elif element.tag == f"{_MAIN}c":
                    reference = element.get("r")
                    column = coordinate_to_tuple(reference)[1] if reference else column + 1
                    if element.find(f"{_MAIN}f") is not None:
                        value = element.find(f"{_MAIN}v")
                        if value is None or (not value.text and element.get("t") != "str"):
                            return row, column
                elif element.tag == f"{_MAIN}row" and rows_parent is not None:
                    rows_parent.remove(element)  # a parsed row is not needed again
    return None


def _check_unpacked_size(path: Path, limit: int) -> None:
    """Refuse a workbook whose members declare more than ``limit`` bytes in all (see
    :data:`MAX_UNPACKED_BYTES`); a file that is no zip is left for openpyxl to name."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return
    if total > limit:
        raise InputError(
            f"the workbook unpacks to {total / 1e9:.1f} GB, over the limit of {limit / 1e9:g} GB; a survey "
            f"export is far smaller, so this is a damaged file or not an export; {_RESAVE}",
            file=str(path),
        )
