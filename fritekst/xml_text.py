"""Text that XML 1.0 can hold.

Survey exports now and then carry a control character (a BEL from an old case system, a
vertical tab that Excel for Mac writes for a line break in a cell). Word and Excel files are
XML, which forbids them, and python-docx and openpyxl refuse the whole file for one. The survey
reader drops them on the way in, so neither a run nor the store holds them; the report and the
spreadsheet writers drop them again for runs and stores made before.

>>> xml_text("Kommunedirektør\\x07")
'Kommunedirektør'
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

__all__ = ["map_text", "xml_table", "xml_text"]

_LINE_BREAKS = re.compile("[\x0b\x0c]")  # vertical tab, form feed: a line break in a cell
# Everything else XML 1.0 forbids: C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids; a vertical tab or form feed becomes a
    line break, as the export meant it. Letters, æøå and emoji are never touched."""
    if not _FORBIDDEN.search(text):
        return text
    return _FORBIDDEN.sub("", _LINE_BREAKS.sub("\n", text))


def xml_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`xml_text` applied to its column names and text cells."""
    return map_text(frame, xml_text)


def map_text(frame: pd.DataFrame, function: Callable[[str], str]) -> pd.DataFrame:
    """A copy of ``frame`` with ``function`` applied to its column names and text cells;
    numbers, flags and missing values stay as they are (also used by :mod:`fritekst.spreadsheet`)."""
    def text_only(value):
        return function(value) if isinstance(value, str) else value

    changed = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or isinstance(frame[column].dtype, pd.StringDtype):
            changed[column] = frame[column].map(text_only, na_action="ignore")
    return changed.rename(columns=text_only)
