"""Coders' decisions from a CSV (``id, code_id[, coder]``), checked against the codebook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fritekst.codebook import Codebook, harmonise
from fritekst.coders import check_name
from fritekst.errors import InputError
from fritekst.names import suggest
from fritekst.spreadsheet import restored_table


def load_coded(path: str | Path, codebook: Codebook) -> pd.DataFrame:
    """Columns ``id, code_id, coder`` (coder defaults to "coder") and, when the file has it,
    ``question`` (a survey with several open questions needs it); one row per coded answer.
    Codes from an earlier codebook version are harmonised: a merged category's code becomes
    the category it was merged into; split or retired codes stay as the coder wrote them.

    The file is often cut from a run's ``assignments.csv``, where an id that looks like a
    formula carries a leading quote (:mod:`fritekst.spreadsheet`); it is read without it."""
    path = Path(path)
    try:
        table = restored_table(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError("coded file not found; check the path", file=str(path), column="--coded") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read it as UTF-8 CSV ({error})", file=str(path)) from None
    for column in ("id", "code_id"):
        if column not in table.columns:
            raise InputError(
                f"no column {column!r}; {suggest(column, list(table.columns), 'columns')}", file=str(path)
            )
    known = set(codebook.ids)
    for row, code in enumerate(table["code_id"], start=2):
        if code not in known:
            raise InputError(
                f"code {code!r} is not in the codebook; {suggest(code, sorted(known), 'codes')}",
                file=str(path), row=row, column="code_id",
            )
    table["code_id"] = harmonise(table["code_id"], codebook)[0]
    if "coder" not in table.columns:
        table["coder"] = "coder"
    table["coder"] = [check_name(name, file=str(path), row=row) if name.strip() else "coder"
                      for row, name in enumerate(table["coder"], start=2)]
    keys = ["question", "id"] if "question" in table.columns else ["id"]
    return table[[*keys, "code_id", "coder"]].drop_duplicates(keys, keep="last")
