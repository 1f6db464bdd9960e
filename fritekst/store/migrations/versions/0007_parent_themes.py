"""Two-level themes: each theme of a run names its broad theme (id and label).

themes.csv lists the finest themes, the ones answers are assigned to, with ``parent_theme`` and
``parent_label`` (decision 021). Nullable columns keep every earlier run as it was: its themes
have no broad theme.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_themes") as batch:
        batch.add_column(sa.Column("parent_theme", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("parent_label", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_themes") as batch:
        batch.drop_column("parent_label")
        batch.drop_column("parent_theme")
