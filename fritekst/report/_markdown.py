"""The report as Markdown, for a quick review in an editor or a merge request.

Every text that comes from the data (answers, roles, attributes, labels, question names)
passes :func:`markdown_text`: an answer holding ``<img src=http://…>`` or ``![](http://…)``
is shown as those characters, never rendered as HTML or as a remote image that a viewer
would fetch (telling its owner who read the report, and when)."""

from __future__ import annotations

import re
from pathlib import Path

from fritekst.report._model import CategorySection, QuestionReport, Report
from fritekst.report._numbers import format_cell
from fritekst.report._tables import Table
from fritekst.report._text import INTRO, MASKED_HEADING, MASKED_INTRO, quote_source, question_heading, section_groups


# "<" starts every HTML tag, comment and autolink: written as an entity, as is "&" before an
# entity. "](" joins a link's or image's text to its address: the bracket is escaped (and every
# backslash, so that none can undo that). "[navn]" and the like stay as they read.
_SPECIAL = re.compile(r"\\|\](?=\()|<|&(?=#?\w+;)")
_ESCAPES = {"\\": "\\\\", "]": "\\]", "<": "&lt;", "&": "&amp;"}


def markdown_text(text: object) -> str:
    """``text`` as Markdown that renders as these characters where HTML, links and images go
    (emphasis marks are left: they cannot fetch anything)."""
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group()], str(text))


def render_markdown(report: Report) -> str:
    lines = [f"# {markdown_text(report.title)}", "", f"*{INTRO}*", ""]
    for question in report.questions:
        lines += _question(question)
    return "\n".join(lines).rstrip() + "\n"


def _question(question: QuestionReport) -> list[str]:
    lines = [f"## {markdown_text(question_heading(question))}", ""]
    if question.question_text:
        lines += [f"*{markdown_text(question.question_text)}*", ""]
    lines += [markdown_text(question.who), ""]
    lines += [markdown_text(note) for note in question.notes] + ([""] if question.notes else [])
    for table in question.tables:
        lines += _table(table)
    lines += ["### Hva svarene handler om", ""]
    for group, sections in section_groups(question.sections):
        if group:
            lines += [f"#### {markdown_text(group)}", ""]
        for section in sections:
            lines += _section(section, "#####" if group else "####")
    if question.masked:
        lines += [f"### {MASKED_HEADING}", "", MASKED_INTRO, ""]
        lines += [f"- svar {markdown_text(answer_id)}: {markdown_text(what)}" for answer_id, what in question.masked] + [""]
    return lines


def _table(table: Table) -> list[str]:
    columns = list(table.frame.columns)
    lines = [f"### {markdown_text(table.title)}", "", "| " + " | ".join(_cell(c) for c in columns) + " |",
             "|" + "|".join("---" if table.kinds[c] == "text" else "---:" for c in columns) + "|"]
    for _, row in table.frame.iterrows():
        lines.append("| " + " | ".join(_cell(format_cell(row[c], table.kinds[c])) for c in columns) + " |")
    return lines + [""] + [f"*{markdown_text(note)}*" for note in table.notes] + [""]


def _cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|")


def _section(section: CategorySection, level: str) -> list[str]:
    lines = [f"{level} {markdown_text(section.label)}", ""]
    lines += [markdown_text(" ".join(s for s in (section.sentence, section.roles_sentence, section.wave_sentence) if s)), ""]
    for _, quote in section.quotes.iterrows():
        lines += [f"> «{markdown_text(quote['text'])}»", ">", f"> — {markdown_text(quote_source(quote))}", ""]
    return lines + ([f"*{markdown_text(section.quote_note)}*", ""] if section.quote_note else [])


def write_markdown(report: Report, path: Path) -> None:
    path.write_text(render_markdown(report), encoding="utf-8")
