"""Codebook versions in the store: saved with optimistic concurrency, never rewritten.

An edit names the version it was made from. If someone saved a newer version in between, the
edit is refused with a message instead of silently undoing theirs; the next version and its
change-log entry come from :func:`fritekst.codebook.new_version`, as for codebook files.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select

from fritekst.codebook import Codebook, dump_codebook, new_version, parse_codebook
from fritekst.errors import InputError
from fritekst.names import suggest
from fritekst.store import _audit
from fritekst.store._engine import now
from fritekst.store._schema import CodebookVersion


def conflict_message(name: str, stored: int | None, expected: int | None) -> str:
    if stored is None:
        return f"codebook {name!r} is not in the store yet; save it without an expected version"
    if expected is None:
        return f"codebook {name!r} is already in the store (version {stored}); edit that version and save again"
    return (
        f"codebook {name!r} is at version {stored} in the store, but your edit was made from version {expected}; "
        f"someone saved a newer version in between. Reload version {stored} and apply your change again"
    )


def latest_version(connection: Connection, name: str) -> int | None:
    return connection.scalar(select(func.max(CodebookVersion.version)).where(CodebookVersion.name == name))


def resolve_name(connection: Connection, name: str | None) -> str:
    """The codebook ``name``, or the store's only codebook when ``name`` is None."""
    names = list(connection.scalars(select(CodebookVersion.name).distinct().order_by(CodebookVersion.name)))
    if name is None:
        if len(names) == 1:
            return names[0]
        if not names:
            raise InputError("the store holds no codebook yet; save one first", column="codebook")
        raise InputError(f"the store holds several codebooks ({', '.join(map(repr, names))}); name one",
                         column="codebook")
    if name not in names:
        raise InputError(f"no codebook {name!r} in the store; {suggest(name, names, 'codebooks')}", column="codebook")
    return name


def version_row(connection: Connection, name: str | None, version: int | None = None) -> CodebookVersion:
    """The stored version (latest when ``version`` is None) as a row with id, name, version and yaml."""
    name = resolve_name(connection, name)
    version = latest_version(connection, name) if version is None else version
    row = connection.execute(
        select(CodebookVersion).where(CodebookVersion.name == name, CodebookVersion.version == version)
    ).first()
    if row is None:
        known = list(connection.scalars(select(CodebookVersion.version).where(CodebookVersion.name == name)))
        raise InputError(f"codebook {name!r} has no version {version}; the store holds versions "
                         f"{', '.join(map(str, sorted(known)))}", column="codebook_version")
    return row


def save_codebook(connection: Connection, edited: Codebook, author: str, expected_version: int | None) -> Codebook:
    """Store ``edited`` as the version after ``expected_version`` (the first version when None)."""
    stored = latest_version(connection, edited.name)
    if stored != expected_version:
        raise InputError(conflict_message(edited.name, stored, expected_version))
    if stored is None:
        saved, before = edited.with_special_categories(), None
    else:
        old_yaml = version_row(connection, edited.name, stored).yaml
        old = parse_codebook(old_yaml, f"{edited.name} version {stored} (store)")
        saved, before = new_version(old, edited), {"version": stored, "yaml": old_yaml}
        if saved is old:
            return old
    _insert(connection, saved, author, before)
    return saved


def run_codebook_id(connection: Connection, codebook: Codebook, actor: str) -> int:
    """The stored version a run coded with, stored now if the store does not have it."""
    yaml = dump_codebook(codebook)
    row = connection.execute(
        select(CodebookVersion.id, CodebookVersion.yaml)
        .where(CodebookVersion.name == codebook.name, CodebookVersion.version == codebook.version)
    ).first()
    if row is None:
        return _insert(connection, codebook, actor, None)
    if row.yaml != yaml:
        raise InputError(
            f"the run coded with codebook {codebook.name!r} version {codebook.version}, which differs from "
            "the stored version of that number; run with the codebook from the store, or save yours as a new version"
        )
    return row.id


def _insert(connection: Connection, codebook: Codebook, author: str, before: dict | None) -> int:
    yaml = dump_codebook(codebook)
    version_id = connection.scalar(
        insert(CodebookVersion).values(
            name=codebook.name, version=codebook.version, yaml=yaml, author=author, created_at=now()
        ).returning(CodebookVersion.id)
    )
    _audit.record(connection, author, "save", "codebook", codebook.name, before,
                  {"version": codebook.version, "yaml": yaml})
    return version_id
