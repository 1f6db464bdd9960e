"""The report as an Excel workbook: one sheet per table, numbers as numbers (Excel shows
them with the reader's decimal comma), plus the quotes with every attribute for checking.
Every row goes through :func:`fritekst.spreadsheet.append_row`, so an answer, role or
attribute that looks like a formula stays text."""

from __future__ import annotations

from pathlib import Path

from fritekst.report._model import Report
from fritekst.report._tables import Table
from fritekst.report._text import INTRO
from fritekst.spreadsheet import append_row, sheet_title

SHARE_FORMAT = "0 %"
CHANGE_FORMAT = "+0;−0;0"


def write_xlsx(report: Report, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "Om rapporten"
    names: set[str] = set()
    about.title = sheet_title("Om rapporten", names)
    append_row(about, [report.title])
    about["A1"].font = Font(bold=True, size=14)
    append_row(about, [INTRO])
    for question in report.questions:
        append_row(about, [])
        append_row(about, [f"{question.question}" + (f" ({question.wave})" if question.wave else "")])
        append_row(about, [question.question_text])
        append_row(about, [question.who])
        for note in question.notes:
            append_row(about, [note])
    for question in report.questions:
        prefix = question.question if len(report.questions) > 1 else ""
        for table in question.tables:
            _sheet(book, sheet_title(f"{prefix} {table.name}", names), table)
    _quotes(book, report, sheet_title("Sitater", names))
    book.save(str(path))


def _sheet(book, name: str, table: Table) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(name)
    append_row(sheet, [table.title])
    sheet["A1"].font = Font(bold=True)
    headers, formats = [], []
    for column, kind in table.kinds.items():
        if kind == "count_share":
            headers += [f"{column} antall", f"{column} andel"]
            formats += [None, SHARE_FORMAT]
        else:
            headers.append(column)
            formats.append({"share": SHARE_FORMAT, "change": CHANGE_FORMAT}.get(kind))
    append_row(sheet, headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for _, row in table.frame.iterrows():
        values = []
        for column, kind in table.kinds.items():
            value = row[column]
            if kind == "count_share":
                values += [None, None] if value is None else [int(value[0]), float(value[1])]
            else:
                values.append(float(value) if kind in ("share", "change") else (int(value) if kind == "count" else value))
        append_row(sheet, values)
        for cell, number_format in zip(sheet[sheet.max_row], formats):
            if number_format:
                cell.number_format = number_format
    for note in table.notes:
        append_row(sheet, [])
        append_row(sheet, [note])
    sheet.column_dimensions["A"].width = 42


def _quotes(book, report: Report, name: str) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(name)
    attributes = sorted({a for q in report.questions for s in q.sections for attrs in s.quotes["attributes"] for a in attrs})
    append_row(sheet, ["Spørsmål", "Kategori", "Sitat (maskert)", "Svar-id", "Rolle", "Runde", *attributes,
                  "Brukt før", "Maskert", "Kodet av", "Sikkerhet", "Sentralitet"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for question in report.questions:
        for section in question.sections:
            for _, quote in section.quotes.iterrows():
                append_row(sheet, [question.question, section.label, quote["text"], str(quote["id"]), quote["role"], str(quote["wave"]),
                              *[quote["attributes"].get(a, "") for a in attributes],
                              "ja" if quote["used"] else "", quote["masked"], quote["coded_by"],
                              float(quote["confidence"]), float(quote["centrality"])])
    sheet.column_dimensions["C"].width = 80
