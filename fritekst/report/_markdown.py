"""The report as Markdown, for a quick review in an editor or a merge request."""

from __future__ import annotations

from pathlib import Path

from fritekst.report._model import CategorySection, QuestionReport, Report
from fritekst.report._numbers import format_cell
from fritekst.report._tables import Table
from fritekst.report._text import INTRO, MASKED_HEADING, MASKED_INTRO, quote_source, question_heading, section_groups


def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", "", f"*{INTRO}*", ""]
    for question in report.questions:
        lines += _question(question)
    return "\n".join(lines).rstrip() + "\n"


def _question(question: QuestionReport) -> list[str]:
    lines = [f"## {question_heading(question)}", ""]
    if question.question_text:
        lines += [f"*{question.question_text}*", ""]
    lines += [question.who, ""]
    lines += [note for note in question.notes] + ([""] if question.notes else [])
    for table in question.tables:
        lines += _table(table)
    lines += ["### Hva svarene handler om", ""]
    for group, sections in section_groups(question.sections):
        if group:
            lines += [f"#### {group}", ""]
        for section in sections:
            lines += _section(section, "#####" if group else "####")
    if question.masked:
        lines += [f"### {MASKED_HEADING}", "", MASKED_INTRO, ""]
        lines += [f"- svar {answer_id}: {what}" for answer_id, what in question.masked] + [""]
    return lines


def _table(table: Table) -> list[str]:
    columns = list(table.frame.columns)
    lines = [f"### {table.title}", "", "| " + " | ".join(columns) + " |",
             "|" + "|".join("---" if table.kinds[c] == "text" else "---:" for c in columns) + "|"]
    for _, row in table.frame.iterrows():
        lines.append("| " + " | ".join(format_cell(row[c], table.kinds[c]).replace("|", "\\|") for c in columns) + " |")
    return lines + [""] + [f"*{note}*" for note in table.notes] + [""]


def _section(section: CategorySection, level: str) -> list[str]:
    lines = [f"{level} {section.label}", ""]
    lines += [" ".join(s for s in (section.sentence, section.roles_sentence, section.wave_sentence) if s), ""]
    for _, quote in section.quotes.iterrows():
        lines += [f"> «{quote['text']}»", ">", f"> — {quote_source(quote)}", ""]
    return lines + ([f"*{section.quote_note}*", ""] if section.quote_note else [])


def write_markdown(report: Report, path: Path) -> None:
    path.write_text(render_markdown(report), encoding="utf-8")
