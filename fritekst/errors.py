"""Errors that reach the user as one clear line.

Every problem with a file, flag or config that a user can fix is raised as an
:class:`InputError` naming the file, the row and the column, so that the CLI can
print it without a traceback and exit non-zero.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad user input, described in the user's terms (file, row, column, what to do)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message
