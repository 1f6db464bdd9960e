"""Codings and the audit log stay append-only under ``INSERT OR REPLACE`` too.

On SQLite, ``INSERT OR REPLACE`` and ``REPLACE INTO`` delete the row whose key they collide with
and insert theirs, and that delete fires no DELETE trigger (unless a connection turns on
``recursive_triggers``), so revision 0001's triggers let them rewrite a coding or a log row. A
BEFORE INSERT trigger now refuses a row whose id is taken, whatever the connection's settings.
(SQLite gives ``NEW.id`` as -1 when an insert leaves the id to it: a row someone forced in with
id -1 would make every later insert fail, never overwrite anything.)

PostgreSQL needs nothing: it has no REPLACE, and ``INSERT … ON CONFLICT DO UPDATE`` is an update,
which 0001's trigger refuses. The revision is recorded there all the same.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = ("codings", "audit_log")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded; restore a backup instead")
