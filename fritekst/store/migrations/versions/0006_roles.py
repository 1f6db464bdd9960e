"""Roles: who may do what in a project (koder, prosjektleder, leser).

One row per person, with who granted the role and when; a grant or revoke is also an audit row.
Not append-only: a role is the current state, and the audit log keeps its history. A project
with no rows works as before (one user, every action allowed).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roles",
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("person", name="pk_roles"),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded; restore a backup instead")
