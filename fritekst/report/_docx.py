"""The report as a Word document (python-docx): headings, tables, charts and block quotes,
ready to be pasted into the agency's own template."""

from __future__ import annotations

import io
from pathlib import Path

from fritekst.report._charts import chart_png, question_charts
from fritekst.report._model import CategorySection, QuestionReport, Report
from fritekst.report._numbers import format_cell
from fritekst.report._tables import Table
from fritekst.report._text import INTRO, MASKED_HEADING, MASKED_INTRO, quote_source, question_heading, section_groups


def write_docx(report: Report, path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    _a4(document)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)
    document.core_properties.language = "nb-NO"
    document.core_properties.title = report.title
    document.add_heading(report.title, level=0)
    _italic(document.add_paragraph(), INTRO)
    for question in report.questions:
        _question(document, question)
    document.save(str(path))


def _a4(document) -> None:
    """A4 with 2.5 cm margins (python-docx's template is US Letter)."""
    from docx.shared import Cm

    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2.5)


def _italic(paragraph, text: str) -> None:
    paragraph.add_run(text).italic = True


def _question(document, question: QuestionReport) -> None:
    from docx.shared import Cm

    document.add_heading(question_heading(question), level=1)
    if question.question_text:
        _italic(document.add_paragraph(), question.question_text)
    document.add_paragraph(question.who)
    for note in question.notes:
        document.add_paragraph(note)
    charts = {id(table): title for title, table in question_charts(question)}
    for table in question.tables:
        _table(document, table)
        if id(table) in charts:  # the chart right below the table it draws
            document.add_picture(io.BytesIO(chart_png(table, charts[id(table)])), width=Cm(15))
    document.add_heading("Hva svarene handler om", level=2)
    for group, sections in section_groups(question.sections):
        if group:
            document.add_heading(group, level=3)
        for section in sections:
            _section(document, section, level=4 if group else 3)
    if question.masked:
        document.add_heading(MASKED_HEADING, level=2)
        document.add_paragraph(MASKED_INTRO)
        for answer_id, what in question.masked:
            document.add_paragraph(f"svar {answer_id}: {what}", style="List Bullet")


def _table(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document.add_heading(table.title, level=2)
    columns = list(table.frame.columns)
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Light List Accent 1"
    for cell, column in zip(grid.rows[0].cells, columns):
        cell.text = column
    for _, row in table.frame.iterrows():
        cells = grid.add_row().cells
        for cell, column in zip(cells, columns):
            cell.text = format_cell(row[column], table.kinds[column])
            if table.kinds[column] != "text":
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    widths = _widths([table.kinds[c] for c in columns])
    grid.autofit = False
    for column, width in zip(grid.columns, widths):  # LibreOffice reads the grid, Word the cells
        column.width = width
    for row in grid.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8.5 if len(columns) > 4 else 9.5)
    for note in table.notes:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(note)
        run.italic = True
        run.font.size = Pt(8.5)


# Relative column widths by kind; the first (category) column is wide enough for a label
# on two lines, so that words are not broken inside.
_WIDTH = {"text": 1.8, "count": 1.55, "share": 0.9, "change": 1.1, "count_share": 1.4}
FIRST_COLUMN = 2.8
TEXT_WIDTH_CM = 16.0


def _widths(kinds: list[str]):
    from docx.shared import Cm

    weights = [FIRST_COLUMN] + [_WIDTH[kind] for kind in kinds[1:]]
    total = sum(weights)
    return [Cm(TEXT_WIDTH_CM * w / total) for w in weights]


def _section(document, section: CategorySection, level: int) -> None:
    from docx.shared import Cm, Pt

    document.add_heading(section.label, level=level)
    document.add_paragraph(" ".join(s for s in (section.sentence, section.roles_sentence, section.wave_sentence) if s))
    for _, quote in section.quotes.iterrows():
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(1)
        paragraph.paragraph_format.right_indent = Cm(1)
        paragraph.paragraph_format.space_after = Pt(1)
        paragraph.add_run(f"«{quote['text']}»").italic = True
        source = document.add_paragraph()
        source.paragraph_format.left_indent = Cm(1)
        run = source.add_run(f"— {quote_source(quote)}")
        run.font.size = Pt(8.5)
    if section.quote_note:
        _italic(document.add_paragraph(), section.quote_note)
