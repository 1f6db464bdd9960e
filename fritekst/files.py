"""Output written whole: a file or run directory is written under a temporary name beside its
target and renamed over it only once complete, so a full disk, a crash or Ctrl-C never leaves
half a report or half a run behind, and the earlier version stays until the new one is whole.
A file the user did not ask to replace is refused before any work. A file read is known by its
SHA-256 (:func:`file_sha256`), which manifests and the project store record.

>>> with written_whole("rapport.md") as path:  # doctest: +SKIP
...     path.write_text(text, encoding="utf-8")
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from fritekst.errors import InputError

__all__ = ["file_sha256", "refuse_existing", "written_whole"]


def file_sha256(path: str | os.PathLike[str]) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def refuse_existing(path: str | os.PathLike[str], force: bool) -> None:
    """Refuse to replace an existing file unless ``force`` (the CLI's ``--force``)."""
    if Path(path).exists() and not force:
        raise InputError("exists already; choose another name or add --force to replace it", file=str(path))


@contextmanager
def written_whole(target: str | os.PathLike[str], *, directory: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` to write to (a fresh directory with
    ``directory``); when the block ends without error it replaces ``target``, otherwise it is
    removed and ``target`` is as it was. A failure to write (disk full, no permission) is
    raised as :class:`InputError` naming ``target``.

    A directory cannot be renamed over one that has files in it: the earlier one is moved
    aside first and put back if the swap fails.
    """
    target = Path(target)
    existed = target.exists()
    try:
        if directory:
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
        else:  # not mkstemp: the writer creates the file, with the user's usual permissions
            staging = target.with_name(f".{target.name}-new-{secrets.token_hex(4)}")
    except OSError as error:
        raise _cannot_write(target, error, existed) from None
    try:
        yield staging
        if directory:
            _swap(staging, target)
        else:
            os.replace(staging, target)
    except BaseException as error:
        _remove(staging)
        if isinstance(error, OSError):
            raise _cannot_write(target, error, existed) from None
        raise


def _swap(staging: Path, target: Path) -> None:
    previous = staging.with_name(staging.name.replace("-new-", "-old-"))
    if target.exists():
        target.rename(previous)
    try:
        staging.rename(target)
    except BaseException:
        if previous.exists():
            previous.rename(target)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(OSError):  # on Windows a writer that failed may still hold it open
            path.unlink(missing_ok=True)


def _cannot_write(target: Path, error: OSError, existed: bool) -> InputError:
    kept = "the earlier version is unchanged" if existed else "nothing was written"
    return InputError(f"cannot write it ({error.strerror or error}); {kept}", file=str(target))
