"""SPSS (.sav, .zsav, .por) and Stata (.dta) data files: value labels applied, variable labels kept
as question texts, and dates read cell by cell.

pyreadstat's own date conversion turns a whole column at once and fails the whole file on one
date outside what Python can hold (year 10 000 and on, as a mistyped value can make): a column
the analysis does not even need would stop the import. So dates are taken as the numbers the
file stores and converted here; one that cannot be is kept as that number, with a warning naming
the case and the variable.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from fritekst.errors import InputError
from fritekst.survey._cells import cell_text

_SPSS_EPOCH = datetime.datetime(1582, 10, 14)  # SPSS counts seconds from the Gregorian calendar's start
_STATA_EPOCH = datetime.datetime(1960, 1, 1)
_SPSS_DATES = {"DATE", "ADATE", "EDATE", "JDATE", "SDATE"}  # the formats pyreadstat reads as dates
_SPSS_DATETIMES = {"DATETIME", "YMDHMS"}
_READERS = {"sav": "read_sav", "por": "read_por", "dta": "read_dta"}
_WHAT = {"sav": "an SPSS data file", "por": "an SPSS portable file", "dta": "a Stata data file"}
_FROM = {"sav": "SPSS", "por": "SPSS", "dta": "Stata"}


def read_labelled(
    path: Path, fmt: str, row_limit: int
) -> tuple[list[str], list[tuple[int, list[str | None]]], dict[str, str], list[str]]:
    """Return the variable names, (case number, cells) for at most ``row_limit`` cases, the
    variable labels and warnings (dates that could not be read).

    Value labels are applied so that answers read "Kommunedirektør", not "1".
    """
    import pyreadstat

    reader = getattr(pyreadstat, _READERS[fmt])
    try:
        frame, meta = reader(str(path), apply_value_formats=True, formats_as_category=False,
                             disable_datetime_conversion=True, row_limit=row_limit)
    except Exception as error:  # pyreadstat raises its own errors and OSError alike
        raise InputError(
            f"cannot read this as {_WHAT[fmt]} ({error}); export it from {_FROM[fmt]} again",
            file=str(path),
        ) from None
    converters = [_date_converter(meta.original_variable_types.get(name, "")) for name in frame.columns]
    unreadable: dict[str, list[int]] = {}
    rows = []
    for number, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        cells = []
        for name, value, convert in zip(frame.columns, values, converters, strict=True):
            if convert is not None and isinstance(value, float) and value == value:  # NaN is a missing date
                try:
                    value = convert(value)
                except (OverflowError, ValueError):
                    unreadable.setdefault(name, []).append(number)
            cells.append(cell_text(value))
        rows.append((number, cells))
    warnings = [
        f"{path}, row {cases[0]}, column {name!r}: {len(cases)} date(s) in this column cannot be read (past year "
        "9999 or before year 1); the numbers the file stores are kept"
        for name, cases in unreadable.items()
    ]
    labels = {name: label for name, label in meta.column_names_to_labels.items() if label}
    return list(frame.columns), rows, labels, warnings


def _date_converter(variable_format: str):
    """A function from the stored number to a date or datetime, for a date format; else None."""
    if variable_format.startswith("%"):  # Stata: days (%td, %d) or milliseconds (%tc, %tC) since 1960
        if variable_format.startswith(("%td", "%d")):
            return lambda days: (_STATA_EPOCH + datetime.timedelta(days=days)).date()
        if variable_format.startswith(("%tc", "%tC")):
            return lambda ms: _STATA_EPOCH + datetime.timedelta(milliseconds=ms)
        return None
    base = re.match(r"[A-Z]*", variable_format.upper()).group()
    if base in _SPSS_DATES:
        return lambda seconds: (_SPSS_EPOCH + datetime.timedelta(seconds=seconds)).date()
    if base in _SPSS_DATETIMES:
        return lambda seconds: _SPSS_EPOCH + datetime.timedelta(seconds=seconds)
    return None
