"""Errors that reach the user as one clear line.

Every problem with a file, flag or config that a user can fix is raised as an
:class:`InputError` naming the file, the row and the column, so that the CLI can
print it without a traceback and exit non-zero.
"""

from __future__ import annotations

import errno
import os

# What to do about the operating system's errors a user can fix.
_OS_ADVICE = {
    **dict.fromkeys((errno.ENOSPC, errno.EDQUOT, errno.EFBIG), "free some space, or write elsewhere"),
    **dict.fromkeys((errno.EACCES, errno.EPERM, errno.EROFS), "choose a place you may write to"),
}


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

    @classmethod
    def from_os_error(cls, error: OSError, file: str | os.PathLike[str] | None = None) -> InputError:
        """An operating-system error (no permission, disk full …) as one line naming the file:
        the one the error names, else ``file`` (a full disk names none)."""
        reason = error.strerror or str(error)
        advice = _OS_ADVICE.get(error.errno)
        path = error.filename if isinstance(error.filename, (str, os.PathLike)) else file
        return cls(f"{reason}; {advice}" if advice else reason, file=os.fspath(path) if path is not None else None)

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
