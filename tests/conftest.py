"""Shared fixtures: an embedding cache per test session, so the real model embeds each text once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def cache_file(tmp_path_factory):
    return tmp_path_factory.mktemp("cache") / "embeddings.sqlite"
