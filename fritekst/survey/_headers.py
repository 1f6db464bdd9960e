"""Which rows at the top of a survey export are headers, and which tool wrote them.

Survey tools put one to three rows above the answers: column ids, question texts, a Qualtrics
``{"ImportId": …}`` row, a SurveyMonkey "Response" row. Any of them read as an answer becomes a
respondent who is counted and given a theme, so the rows are judged against the data, not by how
one row looks: a row is a header row when its cells disagree with the columns beneath it (text
above numbers or dates, an ImportId or "Open-Ended Response" marker anywhere), and an answer row
when they agree. Known layouts are named from their fixed column names and markers; where they fix
the number of header rows, they decide it. Where only one column speaks, or only the look of the
row (question marks), the row is judged as well as it can be and a warning names it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MAX_HEADER_ROWS = 3
"""The most header rows detected (Qualtrics writes three); ``--header-rows`` may say more."""
_SAMPLE_ROWS = 200

Cells = list[str | None]
Row = tuple[int, Cells]

_SURVEYMONKEY_MARKERS = frozenset({"response", "open-ended response"})
_DATE = re.compile(
    r"""(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})   # 2024-01-15, 15.01.2024, 01/15/2024
        (?:(?:[ T]|,\ |\ kl\.?\ )\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?  # 10:23, T10:23:45.123, kl. 10.23
           (?:\ ?[AaPp]\.?[Mm]\.?)?                                          # AM/PM
           (?:\ ?(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?))?)?  # Z, +02:00, CET, GMT+1
      |\d{1,2}:\d{2}(?::\d{2})?                                              # a time of day
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Layout:
    """A survey tool's export layout, recognised by name.

    ``rows`` is how many header rows the layout always has (None: as detected from the data);
    ``names_row`` and ``texts_row`` index the header rows holding the column names and the
    question wording (None: the names are the wording).
    """

    name: str
    matches: Callable[[list[list[str]]], bool]
    rows: int | None = None
    names_row: int = 0
    texts_row: int | None = None
    fill_names: bool = False  # SurveyMonkey: a question over several columns names only the first


@dataclass(frozen=True)
class Header:
    """The header rows of one export: what they name and how they were found."""

    rows: tuple[int, ...]  # file rows read as headers
    names: Cells
    names_row: int | None  # file row the column names come from
    texts: Cells | None  # the question wording, one per column
    texts_row: int | None  # file row the wording comes from
    layout: str | None
    warnings: tuple[str, ...]


def _lower(cells: Sequence[str]) -> set[str]:
    return {cell.lower() for cell in cells if cell}


def _row(top: list[list[str]], index: int) -> list[str]:
    return top[index] if index < len(top) else []


def _is_import_id(cell: str) -> bool:
    """A Qualtrics ImportId cell: ``{"ImportId":"QID2_TEXT"}`` (parsed, so "{ImportId" in an answer is not one)."""
    if not cell.startswith("{") or "importid" not in cell.lower():
        return False
    try:
        value = json.loads(cell)
    except ValueError:
        return False
    return isinstance(value, dict) and any(key.lower() == "importid" for key in value)


def _is_marker(cell: str) -> bool:
    return _is_import_id(cell) or cell.lower() in _SURVEYMONKEY_MARKERS


def _import_id_row(cells: list[str]) -> bool:
    filled = [cell for cell in cells if cell]
    return bool(filled) and sum(map(_is_import_id, filled)) * 2 > len(filled)


# Column names each tool always writes (checked December 2026 against the tools' documentation
# and published exports; see docs/decisions/011-header-rows.md).
LAYOUTS = (
    Layout("Qualtrics", lambda top: _import_id_row(_row(top, 2)), rows=3, texts_row=1),
    Layout("Qualtrics (legacy)", lambda top: {"responseid", "responseset"} <= _lower(_row(top, 1)), rows=2, texts_row=1),
    Layout("SurveyMonkey", lambda top: bool(_lower(_row(top, 1)) & _SURVEYMONKEY_MARKERS), rows=2, fill_names=True),
    Layout("LimeSurvey (VV)", lambda top: {"id", "submitdate"} <= _lower(_row(top, 1)), rows=2, names_row=1, texts_row=0),
    Layout("LimeSurvey", lambda top: len(_lower(top[0]) & {"id", "submitdate", "lastpage", "startlanguage"}) >= 3
           or len(_lower(top[0]) & {"response id", "date submitted", "last page", "start language"}) >= 3),
    Layout("Nettskjema", lambda top: bool(_lower(top[0]) & {"$submission_id", "$created", "$answer_time_ms"})),
    Layout("Google Forms", lambda top: bool(top[0]) and top[0][0].lower() in {"timestamp", "tidsmerke", "tidsstempel"}),
)
QUESTBACK = Layout("Questback", lambda top: False, texts_row=1)
"""Not recognised by its names (its columns are the survey's own): one row of question texts
under the column names, found from the data."""


def split_header(rows: list[Row], given: int | None, file: str) -> Header:
    """Find the header rows among the first of ``rows`` (non-blank, padded to one width).

    ``given`` says how many there are (``--header-rows``); None detects them.
    """
    top = [[(cell or "").strip() for cell in cells] for _, cells in rows[: max(MAX_HEADER_ROWS, given or 0)]]
    warnings: list[str] = []
    layout = next((layout for layout in LAYOUTS if layout.matches(top)), None)
    if given is not None:
        count = given
        if layout is not None and layout.rows not in (None, given):
            layout = None
    elif layout is not None and layout.rows is not None:
        count = layout.rows
    else:
        count = _detect(rows, file, warnings)
    if layout is None and count == 2 and given is None:
        layout = QUESTBACK
    block = [cells for _, cells in rows[:count]]
    names_row = layout.names_row if layout is not None and layout.names_row < count else 0
    texts_row = layout.texts_row if layout is not None and layout.texts_row is not None else 1
    names = block[names_row]
    texts = block[texts_row] if texts_row < count else None
    if layout is not None and layout.fill_names and count > 1:
        names, texts = _filled_names(block[0], block[1])
        texts_row = 0
    return Header(
        rows=tuple(number for number, _ in rows[:count]),
        names=names,
        names_row=rows[names_row][0],
        texts=texts,
        texts_row=rows[texts_row][0] if texts is not None else None,
        layout=layout.name if layout is not None else None,
        warnings=tuple(warnings),
    )


def _filled_names(top: Cells, sub: Cells) -> tuple[Cells, Cells]:
    """SurveyMonkey's two rows as names and wording. A question spread over several columns (one per
    choice, or an "Other (please specify)") heads only its first, so each of its columns is named
    "question - choice" and worded as its question."""
    heads = [(cell or "").strip() for cell in top]
    labels = [(cell or "").strip() for cell in sub]
    names: Cells = []
    texts: Cells = []
    question = ""
    for index, (head, label) in enumerate(zip(heads, labels, strict=True)):
        question = head or question
        spread = not head or (index + 1 < len(heads) and not heads[index + 1])
        named = spread and question and label and label.lower() not in _SURVEYMONKEY_MARKERS
        names.append(f"{question} - {label}" if named else head or None)
        texts.append(question if question and (head or label) else None)
    return names, texts


def _detect(rows: list[Row], file: str, warnings: list[str]) -> int:
    """How many rows head the data, judging each row below the first against the columns beneath it."""
    names = [(cell or "").strip() for cell in rows[0][1]]
    count = 1
    while count < min(MAX_HEADER_ROWS, len(rows)):
        number, cells = rows[count]
        below = rows[max(count + 1, MAX_HEADER_ROWS) :][:_SAMPLE_ROWS] or rows[count + 1 :][:_SAMPLE_ROWS]
        header, doubt = _judge(names, [(cell or "").strip() for cell in cells], _kinds(below, len(names)), count)
        if doubt:
            warnings.append(f"{file}, row {number}: {doubt}")
        if not header:
            break
        count += 1
    return count


def _judge(names: list[str], cells: list[str], kinds: list[str | None], count: int) -> tuple[bool, str | None]:
    """(whether the row is a header row, a doubt worth a warning) for a row under ``count`` header rows."""
    if any(_is_marker(cell) for cell in cells):
        return True, None
    typed = [(name, cell, kind) for name, cell, kind in zip(names, cells, kinds, strict=True) if cell and kind]
    against = [(name, cell, kind) for name, cell, kind in typed if _kind(cell) != kind]
    agreeing = len(typed) - len(against)
    questions = is_questback_row(names, cells)
    if against and not agreeing:
        if len(against) > 1 or any(cell.endswith(("?", ":")) for cell in cells):  # a question heads its column
            return True, None
        name, cell, kind = against[0]
        return True, (f"read as a header row, since {cell!r} stands above {kind} in column {name!r}; if the row holds "
                      f"answers, give --header-rows {count}")
    if against and len(against) > agreeing:
        name, cell, kind = against[0]
        return False, (f"read as answers, though {cell!r} stands above {kind} in column {name!r}; if it is a header "
                       f"row, give --header-rows {count + 1}")
    if not typed and questions:
        return True, (f"read as question texts, since its cells read like questions (the columns below do not tell); "
                      f"if the row holds answers, give --header-rows {count}")
    return False, None


def _kind(cell: str) -> str:
    if _is_number(cell):
        return "numbers"
    if _DATE.fullmatch(cell):
        return "dates"
    return "text"


def _kinds(rows: list[Row], width: int) -> list[str | None]:
    """Per column: "numbers" or "dates" when every filled cell in ``rows`` is one, else None."""
    kinds: list[str | None] = []
    for index in range(width):
        found = {_kind(cell.strip()) for _, cells in rows if (cell := cells[index]) and cell.strip()}
        kinds.append(next(iter(found)) if len(found) == 1 and found != {"text"} else None)
    return kinds


def is_questback_row(names: Sequence[str], cells: Sequence[str | None]) -> bool:
    """Whether a row under the column names reads like question texts, as Questback's second row.

    It does when all three hold:

    1. no cell in it is a number (a respondent's row nearly always has an id, a
       kommunenummer or a count in it);
    2. more than half of its cells look like question texts: ending in "?" or ":",
       or at least 20 characters and twice as long as the column's header;
    3. at least one ends in "?".

    How a row looks is the weakest evidence :func:`split_header` weighs (a row above the data that
    disagrees with the columns beneath says more), and ``read_table(header_rows=...)`` overrides all.
    """
    texts = [(cell or "").strip() for cell in cells]
    if not names or any(_is_number(text) for text in texts if text):
        return False
    questions = sum(
        text.endswith(("?", ":")) or (len(text) >= 20 and len(text) >= 2 * len(name))
        for name, text in zip(names, texts, strict=True)
    )
    return questions > len(names) / 2 and any(text.endswith("?") for text in texts)


def _is_number(text: str) -> bool:
    """A number as Norwegian or English Excel writes it ("12,5", "1 000"); not "nan" or "inf"."""
    try:
        return math.isfinite(float(text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")))
    except ValueError:
        return False
