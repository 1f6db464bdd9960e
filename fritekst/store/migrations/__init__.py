"""Alembic migrations of the store, written by hand; ``fritekst.store._migrate`` runs them."""
