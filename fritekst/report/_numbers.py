"""Numbers as Norwegian reports print them: decimal comma, a (non-breaking) space between
thousands, "38 %" in tables and "38 prosent" in running text, changes with a real minus sign.

A non-breaking space (U+00A0) keeps "1 234" and "38 %" on one line in Word.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"
MINUS = "\u2212"


def format_number(value: float, decimals: int = 0) -> str:
    """1234.5 -> "1 234,5" (with ``decimals=1``); NaN -> "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return (MINUS if value < 0 and float(text.replace(NBSP, "").replace(",", ".")) != 0 else "") + text


def format_percent(share: float, decimals: int = 0, word: bool = False) -> str:
    """0.384 -> "38 %" (or "38 prosent" in running text)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{format_number(share * 100, decimals)}{' ' if word else NBSP}{'prosent' if word else '%'}"


def format_change(points: float, decimals: int = 0) -> str:
    """A change in percentage points with its sign: +8, −3, 0."""
    if points is None or (isinstance(points, float) and math.isnan(points)):
        return "–"
    text = format_number(points, decimals)
    return text if text.startswith(MINUS) or text.strip("0,") == "" else f"+{text}"


def format_count_share(count: int, share: float) -> str:
    """A table cell: "8 (32 %)"."""
    return f"{format_number(count)} ({format_percent(share)})"


def format_cell(value, kind: str) -> str:
    """A table value as text, by the column's kind (see :class:`fritekst.report.Table`)."""
    if kind == "count_share":
        return "–" if value is None else format_count_share(*value)
    if kind == "count":
        return format_number(value)
    if kind == "share":
        return format_percent(value)
    if kind == "change":
        return format_change(value)
    return "" if value is None else str(value)
