"""Excel workbooks (.xlsx/.xlsm) read cell by cell, as the user sees them."""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path

from fritekst.errors import InputError
from fritekst.names import suggest
from fritekst.survey._cells import cell_text

_RESAVE = "open it in Excel and save it again as .xlsx"

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
    finally:
        book.close()
    return rows, name


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
