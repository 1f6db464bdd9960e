"""SPSS data files, with value labels applied and variable labels kept as question texts."""

from __future__ import annotations

from pathlib import Path

from fritekst.errors import InputError
from fritekst.survey._cells import cell_text


def read_sav(path: Path, row_limit: int) -> tuple[list[str], list[tuple[int, list[str | None]]], dict[str, str]]:
    """Return the variable names, (case number, cells) for at most ``row_limit`` cases, and the
    variable labels.

    Value labels are applied so that answers read "Kommunedirektør", not "1".
    """
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=True, formats_as_category=False,
                                          row_limit=row_limit)
    except Exception as error:  # pyreadstat raises its own errors and OSError alike
        raise InputError(
            f"cannot read this as an SPSS data file ({error}); export it from SPSS again",
            file=str(path),
        ) from None
    rows = [
        (number, [cell_text(value) for value in values])
        for number, values in enumerate(frame.itertuples(index=False, name=None), start=1)
    ]
    labels = {name: label for name, label in meta.column_names_to_labels.items() if label}
    return list(frame.columns), rows, labels
