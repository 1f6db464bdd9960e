"""Several codes per coding: an answer that names housing and work is coded with both.

The primary code stays in ``code_id`` (the one agreement is measured on); the others go in
``extra_codes``, ";"-separated. Adding a nullable column keeps every earlier coding as it was.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("codings", sa.Column("extra_codes", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("codings", "extra_codes")
