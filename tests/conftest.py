"""Shared fixtures: an embedding cache per test session, so the real model embeds each text once;
a throw-away PostgreSQL server for the store tests (see ``pg_cluster.py``)."""

from __future__ import annotations

import pg_cluster
import pytest


@pytest.fixture(scope="session")
def cache_file(tmp_path_factory):
    return tmp_path_factory.mktemp("cache") / "embeddings.sqlite"


@pytest.fixture(scope="session")
def postgres_cluster():
    """A private PostgreSQL server for the session; ``.new_database()`` gives a fresh database URL."""
    try:
        cluster = pg_cluster.start()
    except pg_cluster.Unavailable as reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    yield cluster
    cluster.stop()
