"""Each run's rows carry the written standard of their answer (``language``: nb, nn, en, other,
mixed), so the app can filter Nynorsk answers. A nullable column: runs saved before have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("run_segments", sa.Column("language", sa.Text(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded; restore a backup instead")
