"""Where the store lives (a file path or a database URL) and how connections to it behave.

SQLite connections run in WAL mode (readers never block the writer), with foreign keys on and a
busy timeout, so that a second writer waits for the first instead of failing. Writes open with
``BEGIN IMMEDIATE``: a transaction that first reads and then writes could otherwise find, at its
first write, that another writer committed in between, and fail at once without waiting.
PostgreSQL needs none of this; plain ``postgresql://`` URLs get the psycopg 3 driver.

Commands that only read open the store so that it cannot be written (SQLite's ``query_only``,
PostgreSQL's read-only transactions), and a project in a folder the user may not write can
still be exported.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError

from fritekst.errors import InputError

DEFAULT_FILE = "fritekst.db"
BUSY_TIMEOUT_S = 60.0
_WRITE = "fritekst_write"


class StoreMissing(InputError):
    """There is no store at ``where`` yet (no file, or a database without tables)."""

    def __init__(self, where: str) -> None:
        super().__init__("no fritekst store here; make one with `fritekst import … --db` or `fritekst run … --db`",
                         file=where)


def is_store_target(target: str | os.PathLike[str]) -> bool:
    """A database URL, an existing file, or a folder holding ``fritekst.db``: what ``--db`` and the
    commands that read a project accept (a run directory is none of these)."""
    text = str(target)
    path = Path(text).expanduser()
    return "://" in text or path.is_file() or (path / DEFAULT_FILE).is_file()


def database_url(target: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for a project folder, a database file, or a URL a user typed.

    ``None`` is ``fritekst.db`` in the current folder; a folder holds ``fritekst.db``, and so
    does a new name without a file extension (``--db prosjekt``): a new project folder, made only
    when a store is created in it (:func:`~fritekst.store.open_store`). ``postgresql://`` and
    ``postgres://`` get the psycopg driver.
    """
    text = str(target) if target is not None else DEFAULT_FILE
    if "://" not in text:
        path = Path(text).expanduser()
        if not path.parent.is_dir():
            raise InputError("the folder of the database file does not exist; create it first", file=str(path))
        if path.is_dir() or not (path.exists() or path.suffix):  # a project folder, or a new one
            path = path / DEFAULT_FILE
        return f"sqlite:///{path.resolve()}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    if scheme in ("postgresql+psycopg", "sqlite", "sqlite+pysqlite"):
        return text
    raise InputError(
        f"cannot use a {scheme!r} database; give a file path, sqlite:///FILE or postgresql://USER@HOST/DATABASE",
        column="--db",
    )


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (None for other databases)."""
    try:
        parsed = make_url(url)
    except ArgumentError:  # make_engine says what is wrong with it
        return None
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine whose errors never quote the data: answers are personal data, and a store error
    ends in a traceback. SQLAlchemy would print a failing statement's parameters in its message
    (``hide_parameters`` stops that) and PostgreSQL's DETAIL quotes the failing row or key
    (:func:`_without_detail` drops it; ``error.orig.diag`` still holds it for code)."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise InputError(f"not a database URL ({error})", column="--db") from None
    if parsed.get_backend_name() != "sqlite":
        options = {"options": "-c default_transaction_read_only=on"} if read_only else {}
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=options, hide_parameters=True)
        event.listen(engine, "handle_error", _without_detail)
        return engine
    if parsed.database in (None, "", ":memory:"):
        raise InputError("an in-memory SQLite database cannot be shared; give a file", column="--db")
    if read_only:
        path = Path(parsed.database)
        engine = create_engine(parsed, creator=lambda: _connect_read_only(path), hide_parameters=True)
    else:
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by sqlite3
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA secure_delete=ON")  # a deleted answer is overwritten, not left in a free page
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITE) else "BEGIN")

    return engine


def _without_detail(context: ExceptionContext) -> None:
    """Cut a PostgreSQL error's text to its first line ("null value in column … violates …"): the
    DETAIL after it can quote a whole row ("Failing row contains (…, answer text, …)")."""
    import psycopg

    error, wrapped = context.original_exception, context.sqlalchemy_exception
    if not isinstance(error, psycopg.Error) or not error.diag.message_primary:
        return
    full, first = str(error), error.diag.message_primary
    error.args = (first,)
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):  # SQLAlchemy copied the text
        wrapped.args = (wrapped.args[0].replace(full, first, 1), *wrapped.args[1:])


def use_wal(engine: Engine) -> None:
    """Put a SQLite store in WAL mode, which the file keeps: done once the file has shown it is a
    store (or empty), so that another program's database is not changed by being looked at."""
    if is_sqlite(engine):
        connection = engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()


def clear_wal(engine: Engine) -> bool:
    """Copy a SQLite store's write-ahead log into the file and empty it, so that no earlier page
    (one holding erased text) stays in ``-wal``; False when a reader kept it from finishing
    (it is emptied the next time the last connection closes). PostgreSQL: True, nothing to do."""
    if not is_sqlite(engine):
        return True
    connection = engine.raw_connection()
    try:
        busy, _, _ = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    return not busy


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write (``query_only``); ``immutable`` where SQLite cannot open the
    store otherwise.

    Not ``mode=ro``: a read-only connection cannot remove the ``-wal`` and ``-shm`` files it makes,
    so every export would leave two files in the project folder. A WAL database needs its
    shared-memory file (``-shm``), which SQLite cannot make in a folder the user may not write;
    there the file is opened as immutable, which is right as long as no write waits in a
    ``-wal`` file (none can be added in such a folder).
    """
    uri = path.as_uri()
    try:
        return _query_only(sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S,
                                           check_same_thread=False))
    except sqlite3.Error as error:
        if getattr(error, "sqlite_errorname", "") != "SQLITE_CANTOPEN":
            raise
    wal = path.with_name(f"{path.name}-wal")
    if wal.is_file() and wal.stat().st_size:
        raise InputError(f"the store has changes not yet merged into it ({wal.name}), and its folder cannot be "
                         "written; open it once where it can be written, or copy the folder", file=str(path))
    return _query_only(sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False))


def _query_only(connection: sqlite3.Connection) -> sqlite3.Connection:
    try:
        connection.execute("PRAGMA query_only=ON")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the file and its WAL
    except BaseException:
        connection.close()
        raise
    return connection


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises."""
    with engine.connect() as connection:
        connection.execution_options(**{_WRITE: True})
        with connection.begin():
            yield connection


@contextmanager
def rehearsing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that is always rolled back: to learn whether a change would be refused."""
    with engine.connect() as connection:
        connection.execution_options(**{_WRITE: True})
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction: a consistent snapshot on both backends (PostgreSQL's default,
    READ COMMITTED, would let a query see rows the one before it did not)."""
    with engine.connect() as connection:
        if not is_sqlite(engine):
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def frame(connection: Connection, query) -> pd.DataFrame:
    """The rows of ``query`` as a DataFrame with the query's column names.

    Rows go in as plain tuples: pandas probing SQLAlchemy's Row objects costs more than the query.
    """
    result = connection.execute(query)
    return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))


def now() -> str:
    """The current time in UTC, ISO-8601 with microseconds (the store's one time format)."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")
