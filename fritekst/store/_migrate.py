"""Schema migrations: a store made by an older fritekst is brought up to date when it is opened.

Alembic is configured here in code (no ``alembic.ini``); the scripts ship inside the package in
``migrations/versions``. The upgrade runs in one write transaction, and on PostgreSQL under an
advisory lock, so that two processes opening a new store at once do not both create it (on
SQLite, ``BEGIN IMMEDIATE`` already lets one writer in at a time).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from fritekst.errors import InputError
from fritekst.store._engine import StoreMissing, is_sqlite, writing

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK = 0x66726974  # "frit": the advisory lock key that serialises upgrades on PostgreSQL
# Tables every fritekst schema has had: with an unknown revision, they tell a store from a newer
# fritekst from another program's Alembic-managed database.
_OWN_TABLES = frozenset({"surveys", "answers", "runs", "codings", "audit_log"})


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest schema revision this fritekst knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: not a fritekst store yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _known_revisions(config: Config) -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _newer(revision: str, where: str | None = None) -> InputError:
    return InputError(f"the store has schema revision {revision}, made by a newer fritekst; upgrade fritekst to open it",
                      file=where)


def check_store(engine: Engine, where: str, create: bool) -> str | None:
    """The store's schema revision (None: an empty database, allowed only with ``create``), once
    the database has shown that it is a fritekst store SQLite can read whole: SQLite's
    ``quick_check`` finds a file damaged mid-way before a command reads half of it or writes
    into it, and another program's database is refused rather than given fritekst's tables.
    """
    with engine.connect() as connection:
        if is_sqlite(engine):
            problems = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check")]
            if problems != ["ok"]:
                detail = next((line for p in problems for line in p.splitlines() if not line.startswith("***")), "")
                raise damaged(where, detail)
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None and not tables:
        if not create:
            raise StoreMissing(where)
        return None
    if revision is None or (revision not in _known_revisions(_config()) and not _OWN_TABLES <= tables):
        shown = ", ".join(sorted(tables)[:3]) + (", …" if len(tables) > 3 else "")
        raise InputError(f"not a fritekst store (it holds other tables: {shown}); give the project's "
                         "fritekst.db, or a new name for a new store", file=where)
    if revision not in _known_revisions(_config()):
        raise _newer(revision, where)
    return revision


def damaged(where: str, detail: str) -> InputError:
    return InputError(f"the store is damaged ({detail}); restore it from a backup (SQLite's `.recover` "
                      "may rescue part of it)", file=where)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; a store already there is left untouched."""
    config = _config()
    with writing(engine) as connection:
        if not is_sqlite(engine):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        current = MigrationContext.configure(connection).get_current_revision()
        if current is not None and current not in _known_revisions(config):
            raise _newer(current)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
