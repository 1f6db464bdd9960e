"""Excel workbooks (.xlsx/.xlsm) read cell by cell, as the user sees them."""

from __future__ import annotations

from pathlib import Path

from fritekst.errors import InputError
from fritekst.survey._cells import cell_text
from fritekst.names import suggest

_RESAVE = "open it in Excel and save it again as .xlsx"


def read_xlsx(path: Path, sheet: str | None) -> tuple[list[tuple[int, list[str | None]]], str]:
    """Return (sheet row number, cells) for every row of the sheet, and the sheet's name."""
    import openpyxl

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
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
            ]
        except Exception as error:  # a damaged sheet only fails once its XML is parsed
            raise InputError(f"cannot read sheet {name!r} ({error}); {_RESAVE}", file=str(path)) from None
    finally:
        book.close()
    return rows, name
