"""Adjudications: where coders disagree, a person settles the segment's final code.

A table of its own, not a coding by a special coder: the codings stay each coder's independent
work (what agreement is measured on), and an adjudication names who settled, not who coded. It is
append-only like the codings and the audit log: the latest row of a segment is its settled code,
and a re-settle is a new row. The same protection as theirs: triggers that refuse UPDATE and
DELETE (revision 0001; TRUNCATE too on PostgreSQL, with 0001's ``fritekst_append_only()``), and on
SQLite one that refuses an INSERT whose id is taken, as ``INSERT OR REPLACE`` does (revision 0003).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "adjudications"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Text(), nullable=False),
        sa.Column("adjudicator", sa.Text(), nullable=False),
        sa.Column("codebook_version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_adjudications"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], name="fk_adjudications_segment_id"),
        sa.ForeignKeyConstraint(
            ["codebook_version_id"], ["codebook_versions.id"], name="fk_adjudications_codebook_version_id"
        ),
    )
    op.create_index("ix_adjudications_segment_id_id", TABLE, ["segment_id", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
            )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE} "
            f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
        )
        return
    op.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION fritekst_append_only()"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION fritekst_append_only()"
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded; restore a backup instead")
