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
from sqlalchemy import Engine, text

from fritekst.errors import InputError
from fritekst.store._engine import is_sqlite, writing

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK = 0x66726974  # "frit": the advisory lock key that serialises upgrades on PostgreSQL


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


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; a store already there is left untouched."""
    config = _config()
    with writing(engine) as connection:
        if not is_sqlite(engine):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        current = MigrationContext.configure(connection).get_current_revision()
        known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise InputError(
                f"the store has schema revision {current}, made by a newer fritekst; upgrade fritekst to open it"
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
