"""Erasure: the one sanctioned way past the append-only triggers (GDPR art. 17).

A respondent's answers, codings, adjudications and the text of audit rows about them must be
removable when they ask to be erased, while every other change stays refused. The triggers of
revisions 0001 and 0004 now let an UPDATE or DELETE through only while the table
``erasure_in_progress`` holds a row. Only :func:`fritekst.store._erasure.forget` writes one, and
it removes it again in the same transaction, so no other transaction ever sees it: under SQLite's
single writer and PostgreSQL's snapshots an uncommitted row is invisible to everyone else.
TRUNCATE stays refused on PostgreSQL, and on SQLite an INSERT whose id is taken (0003) too.

The guard is against mistakes and careless code, as before, not against the database's owner,
who can drop a trigger.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APPEND_ONLY = ("codings", "audit_log", "adjudications")
MARK = "erasure_in_progress"


def upgrade() -> None:
    op.create_table(MARK, sa.Column("id", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("id", name=f"pk_{MARK}"))
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                name = f"{table}_no_{event.lower()}"
                op.execute(f"DROP TRIGGER {name}")
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                    f"WHEN NOT EXISTS (SELECT 1 FROM {MARK}) "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION fritekst_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM {MARK}) THEN RETURN OLD; END IF; "
        f"IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM {MARK}) THEN RETURN NEW; END IF; "
        "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded; restore a backup instead")
