"""Shared fixtures: an embedding cache per test session, so the real model embeds each text once;
a throw-away PostgreSQL server for the store tests (see ``pg_cluster.py``)."""

from __future__ import annotations

from pathlib import Path

import pg_cluster
import pytest

ROOT = Path(__file__).resolve().parents[1]

# Fixtures that make a test slow: a PostgreSQL server, or a survey run for real (the example
# survey: example_run and the modules' run_dir; the two waves; the privacy and erasure tests' planted
# answers).
SLOW_FIXTURES = frozenset({"postgres_cluster", "example_run", "run_dir", "planted_reports", "attribute_run",
                           "two_wave_project", "planted"})


def pytest_collection_modifyitems(items):
    """Mark ``slow`` every test that needs a slow fixture, so ``pytest -m "not slow"`` (``make
    test-fast``) leaves it out without each test saying so; other slow tests carry the mark."""
    for item in items:
        # a PostgreSQL parameter asks for the server through request.getfixturevalue: by its id
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or "postgresql" in item.name:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def cache_file(tmp_path_factory):
    return tmp_path_factory.mktemp("cache") / "embeddings.sqlite"


@pytest.fixture(scope="session")
def e5_answers(cache_file):
    """48 short survey answers, 12 for each of four IMDi categories, embedded with the bundled
    e5 model, and the IMDi codebook's prototypes; in a fixed shuffled order."""
    import pandas as pd

    from fritekst.codebook import load_codebook
    from fritekst.coding import category_prototypes
    from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder

    embedder, cache = get_embedder("e5-small"), EmbeddingCache(cache_file)
    embed = lambda texts: embed_with_cache(embedder, list(texts), cache).vectors  # noqa: E731
    ids, prototypes = category_prototypes(load_codebook(ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"), embed)
    answers = pd.read_csv(ROOT / "tests" / "data" / "coded_answers.csv").sample(frac=1.0, random_state=0)
    return ids, prototypes, embed(answers["text"]), answers["code_id"].to_numpy(dtype=object)


@pytest.fixture(scope="session")
def postgres_cluster():
    """A private PostgreSQL server for the session; ``.new_database()`` gives a fresh database URL."""
    try:
        cluster = pg_cluster.start()
    except pg_cluster.Unavailable as reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def example_run(tmp_path_factory):
    """The example survey run once with the fast TF-IDF embedder and the IMDi codebook, as
    ``fritekst run`` writes it: (RunResult, output directory)."""
    from fritekst.run import run_and_save
    from fritekst.settings import build_run_config

    config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", embedder="tfidf",
                              codebook=ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml")
    out = tmp_path_factory.mktemp("run") / "out"
    with pytest.MonkeyPatch.context() as patch:  # the store does not care which spaCy pipeline ran
        patch.setenv("FRITEKST_MODELS_DIR", str(tmp_path_factory.mktemp("no-models")))
        return run_and_save(ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx", config, out=out)[0], out


@pytest.fixture(scope="session")
def example_project_template(example_run, tmp_path_factory):
    """A SQLite project holding the example survey and its run; copy it before changing it."""
    from fritekst.store import open_store
    from fritekst.survey import load_mapping

    path = tmp_path_factory.mktemp("project") / "fritekst.db"
    with open_store(path) as store:
        store.import_survey(ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx", load_mapping(ROOT / "examples" / "demo.yaml"))
        store.save_run(example_run[0])
    return path


@pytest.fixture
def example_project(example_project_template, tmp_path):
    """A fresh copy of the example project for one test."""
    import shutil

    path = tmp_path / "fritekst.db"
    shutil.copy(example_project_template, path)
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def example_store_url(request, tmp_path, example_run):
    """A new store holding the example survey and its run, on SQLite and on PostgreSQL."""
    from fritekst.store import open_store
    from fritekst.survey import load_mapping

    if request.param == "sqlite":
        url = str(tmp_path / "fritekst.db")
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.new_database()
    with open_store(url) as opened:
        opened.import_survey(ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx",
                             load_mapping(ROOT / "examples" / "demo.yaml"))
        opened.save_run(example_run[0])
    yield url
    if request.param == "postgresql":
        cluster.drop_database(url)


@pytest.fixture
def two_wave_project(tmp_path):
    """The example survey's two waves, each file run on its own into one survey: 2023 under the
    codebook's version 1, 2025 under version 2, which splits helse_psykiatri."""
    from fritekst.run import run_and_save
    from fritekst.settings import build_run_config

    db = tmp_path / "prosjekt"
    for wave, codebook in (("2023", "imdi_kommuneundersokelsen.yaml"), ("2025", "imdi_kommuneundersokelsen_v2.yaml")):
        config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", embedder="tfidf",
                                  codebook=ROOT / "codebooks" / codebook)
        run_and_save(ROOT / "examples" / f"kommuneundersokelsen_fiktiv_{wave}.xlsx", config, db=db,
                     survey_name="kommuneundersokelsen")
    return db
