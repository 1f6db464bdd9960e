"""Spreadsheet and SPSS values as the text the user sees in the cell."""

from __future__ import annotations

import datetime

import pandas as pd


def cell_text(value: object) -> str | None:
    """Return ``value`` as text, or None for an empty cell.

    Whole floats lose their ``.0`` because Excel and SPSS store every number as a
    float: an id typed as 301 must come back as "301", not "301.0".
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value) or None
