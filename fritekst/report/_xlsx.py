"""The report as an Excel workbook: one sheet per table, numbers as numbers (Excel shows
them with the reader's decimal comma), plus the quotes with every attribute for checking."""

from __future__ import annotations

from pathlib import Path

from fritekst.report._model import Report
from fritekst.report._tables import Table
from fritekst.report._text import INTRO

SHARE_FORMAT = "0 %"
CHANGE_FORMAT = "+0;−0;0"


def write_xlsx(report: Report, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "Om rapporten"
    about.append([report.title])
    about["A1"].font = Font(bold=True, size=14)
    about.append([INTRO])
    for question in report.questions:
        about.append([])
        about.append([f"{question.question}" + (f" ({question.wave})" if question.wave else "")])
        about.append([question.question_text])
        about.append([question.who])
        for note in question.notes:
            about.append([note])
    names: set[str] = set()
    for question in report.questions:
        prefix = question.question if len(report.questions) > 1 else ""
        for table in question.tables:
            _sheet(book, _unique(f"{prefix} {table.name}".strip(), names), table)
    _quotes(book, report, _unique("Sitater", names))
    book.save(str(path))


def _unique(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, not used before."""
    name = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31]
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{name[:28]} {n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def _sheet(book, name: str, table: Table) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(name)
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    headers, formats = [], []
    for column, kind in table.kinds.items():
        if kind == "count_share":
            headers += [f"{column} antall", f"{column} andel"]
            formats += [None, SHARE_FORMAT]
        else:
            headers.append(column)
            formats.append({"share": SHARE_FORMAT, "change": CHANGE_FORMAT}.get(kind))
    sheet.append(headers)
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
        sheet.append(values)
        for cell, number_format in zip(sheet[sheet.max_row], formats):
            if number_format:
                cell.number_format = number_format
    for note in table.notes:
        sheet.append([])
        sheet.append([note])
    sheet.column_dimensions["A"].width = 42


def _quotes(book, report: Report, name: str) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(name)
    attributes = sorted({a for q in report.questions for s in q.sections for attrs in s.quotes["attributes"] for a in attrs})
    sheet.append(["Spørsmål", "Kategori", "Sitat (maskert)", "Svar-id", "Rolle", "Runde", *attributes,
                  "Brukt før", "Maskert", "Kodet av", "Sikkerhet", "Sentralitet"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for question in report.questions:
        for section in question.sections:
            for _, quote in section.quotes.iterrows():
                sheet.append([question.question, section.label, quote["text"], str(quote["id"]), quote["role"], str(quote["wave"]),
                              *[quote["attributes"].get(a, "") for a in attributes],
                              "ja" if quote["used"] else "", quote["masked"], quote["coded_by"],
                              float(quote["confidence"]), float(quote["centrality"])])
    sheet.column_dimensions["C"].width = 80
