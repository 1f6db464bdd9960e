"""Each theme of a run lists its marked keywords (``marked_keywords``): the keywords that are generic
survey words or place names, kept among the keywords but out of labels (decision 021). A nullable
column: runs saved before have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("run_themes", sa.Column("marked_keywords", sa.Text(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded; restore a backup instead")
