"""Alembic's entry point. It runs only through ``fritekst.store._migrate``, which hands over an
open connection inside a transaction, so that the upgrade commits or rolls back as one."""

from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
