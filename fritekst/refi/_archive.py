"""The .qdpx container: a zip of ``project.qde`` and ``Sources/``, read with limits, written whole.

A .qdpx comes from outside, and a zip of text packs a thousandfold, so a few megabytes could
unpack to gigabytes ("zip bomb"). The archive is refused when its directory declares more than
:data:`MAX_MEMBERS` files or :data:`MAX_UNPACKED_BYTES` in all, and each member is read no
further than its declared size (a member that lies about its size is refused, not believed).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from fritekst.errors import InputError
from fritekst.files import written_whole

MAX_MEMBERS = 200_000
"""Files one archive may hold: a project with one source per answer of a large survey has tens of thousands."""
MAX_UNPACKED_BYTES = 2 * 10**9
"""Bytes an archive may unpack to, summed over its directory (real projects with docx/PDF copies: tens of MB)."""
PROJECT_MEMBER = "project.qde"

Reader = Callable[[str], bytes | None]


def open_project(path: str | Path) -> tuple[bytes, Reader]:
    """``project.qde`` of a .qdpx (or a bare .qde file) and a reader of its other members by name
    (``None`` when absent; a bare .qde has none)."""
    path = Path(path)
    file = str(path)
    try:
        head = path.open("rb").read(4)
    except FileNotFoundError:
        raise InputError("project file not found; check the path", file=file) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a .qdpx project", file=file) from None
    if head != b"PK\x03\x04":
        return path.read_bytes(), lambda name: None
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError("the .qdpx archive is damaged (not a readable zip file); export the project again",
                         file=file) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputError(f"the archive holds {len(members)} files, over the limit of {MAX_MEMBERS}", file=file)
        unpacked = sum(member.file_size for member in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError(f"the archive would unpack to {unpacked:,} bytes, over the limit of "
                             f"{MAX_UNPACKED_BYTES:,}; this is no project fritekst can read", file=file)
        by_name = {member.filename.casefold(): member for member in members if not member.is_dir()}
        qde = by_name.get(PROJECT_MEMBER)
        if qde is None:
            qde = next((m for name, m in by_name.items() if name.endswith(".qde") and "/" not in name), None)
        if qde is None:
            raise InputError(f"the archive holds no {PROJECT_MEMBER}; this is not a REFI-QDA project", file=file)
        contents = {name: _read(archive, member, file) for name, member in by_name.items()}
    return contents.pop(qde.filename.casefold()), lambda name: contents.get(name.casefold())


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> bytes:
    with archive.open(member) as handle:
        data = handle.read(member.file_size + 1)
    if len(data) > member.file_size:
        raise InputError(f"{member.filename} in the archive is larger than the archive says; the file is damaged "
                         "or made to mislead", file=file)
    return data


def write_project(path: str | Path, qde: bytes, sources: Iterable[tuple[str, bytes]]) -> Path:
    """A .qdpx holding ``qde`` as ``project.qde`` and each (name, bytes) under ``Sources/``,
    written to a temporary name and renamed: a failed export leaves no half a file."""
    path = Path(path)
    with written_whole(path) as temporary:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(PROJECT_MEMBER, qde)
            for name, data in sources:
                archive.writestr(f"Sources/{name}", data)
    return path
