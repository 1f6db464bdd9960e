"""The project store: surveys, answers, runs, codebook versions, codings, adjudications and roles in one database.

SQLite (``fritekst.db`` in the project folder) by default, PostgreSQL by URL for a team. All SQL
lives behind this package (house rule 5); the schema is migrated by code when a store is opened.
See ``docs/decisions/005-project-store.md`` for why it is shaped as it is.

>>> store = open_store("prosjekt/")  # doctest: +SKIP
>>> store.import_survey("examples/kommuneundersokelsen_fiktiv.xlsx", mapping)  # doctest: +SKIP
>>> run_id = store.save_run(run_survey(survey, config))  # doctest: +SKIP
>>> store.add_coding(segment_id, "bolig", coder="kari", codebook_version=3)  # doctest: +SKIP
>>> store.settle(segment_id, "bolig", adjudicator="per", codebook_version=3)  # doctest: +SKIP
>>> store.export_run("ut/", run_id)  # doctest: +SKIP
"""

from fritekst.store._engine import DEFAULT_FILE, StoreMissing, database_url, is_store_target
from fritekst.store._imports import ImportSummary
from fritekst.store._erasure import Erasure
from fritekst.store._migrate import current_revision, head_revision
from fritekst.store._roles import ROLES, NotAllowed
from fritekst.store._schema import MODEL_CODER
from fritekst.store._store import Store, import_into, open_store
from fritekst.store._themes import ThemeChanged, theme_versions

__all__ = [
    "DEFAULT_FILE",
    "MODEL_CODER",
    "ROLES",
    "Erasure",
    "ImportSummary",
    "NotAllowed",
    "Store",
    "StoreMissing",
    "ThemeChanged",
    "current_revision",
    "database_url",
    "head_revision",
    "import_into",
    "is_store_target",
    "open_store",
    "theme_versions",
]
