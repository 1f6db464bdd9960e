"""Two-level themes (issue 19, part 3): broad themes split where a finer split is stable."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from fritekst.themes import ThemeConfig, discover_themes, keyword_tokens
from fritekst.themes.subthemes import split_stably, told_apart_in_words
from fritekst.workspace import broad_themes


def blobs(centres, per_blob, spread, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([c + spread * rng.standard_normal((per_blob, len(c))) for c in centres])
    return X / np.linalg.norm(X, axis=1, keepdims=True), np.repeat(np.arange(len(centres)), per_blob)


def test_a_theme_made_of_two_groups_is_split_and_one_blob_is_not():
    eye = np.eye(16)
    X, truth = blobs([eye[0] + eye[1], eye[0] + eye[2]], 12, 0.15)
    assert adjusted_rand_score(truth, split_stably(X, random_state=0)) == 1.0
    one, _ = blobs([eye[0]], 30, 0.3, seed=1)
    assert (split_stably(one, random_state=0) == 0).all()  # k-means cuts any blob; the cut is not stable
    few, few_truth = blobs([eye[0] + eye[1], eye[0] + eye[2]], 6, 0.15)
    assert (split_stably(few, random_state=0) == 0).all()  # 12 answers: too few to split


HOUSING_RENT = [f"Husleien er for høy for familiene, {x}." for x in (
    "særlig i sentrum", "private utleiere tar mye", "leieprisene stiger hvert år", "husleie over bostøtten",
    "dyre leiligheter", "høye leiepriser skremmer", "leie koster for mye", "husleien spiser stønaden",
    "utleiere øker leien", "markedsleie er for dyrt")]
HOUSING_WAIT = [f"Det er lang venteliste på kommunale boliger, {x}." for x in (
    "over ett år", "familier venter lenge", "køen vokser", "ventetiden er lang", "ingen ledige boliger",
    "vi har kø på boliger", "kommunen har venteliste", "mange står i kø", "boligkøen er lang", "lang ventetid")]
WORK = [f"Det er få jobber for flyktningene, {x}." for x in (
    "arbeidsmarkedet er lite", "arbeidsgivere ansetter ikke", "ingen industri", "lite arbeid i regionen",
    "jobbene krever norsk", "praksisplasser mangler", "få arbeidsplasser", "ingen jobber etter introprogrammet",
    "lite næringsliv", "arbeidsledigheten er høy")]


def test_sub_themes_name_their_broad_theme_and_come_in_outline_order():
    from fritekst.embed import get_embedder

    texts = HOUSING_RENT + HOUSING_WAIT + WORK
    tokens = keyword_tokens(texts)
    vectors = get_embedder("e5-small").encode(texts)
    result = discover_themes(vectors, tokens, texts, ThemeConfig(random_state=0))
    again = discover_themes(vectors, tokens, texts, ThemeConfig(random_state=0))
    assert np.array_equal(result.labels, again.labels) and result.themes == again.themes
    one_level = discover_themes(vectors, tokens, texts, ThemeConfig(random_state=0, subthemes=False))
    # The broad level is the one-level clustering, and every theme lies inside its broad theme.
    assert np.array_equal(result.parents(), one_level.labels)
    assert [t.parent_theme for t in result.themes] == sorted(t.parent_theme for t in result.themes)
    for theme in result.themes:
        assert set(result.parents()[result.labels == theme.theme_id]) == {theme.parent_theme}
        broad = next(t for t in one_level.themes if t.theme_id == theme.parent_theme)
        assert theme.parent_label == broad.label
    # A number of themes asked for is the number given: no sub-themes then.
    told = discover_themes(vectors, tokens, texts, ThemeConfig(min_themes=2, max_themes=2, random_state=0))
    assert len(told.themes) == 2 and all(t.parent_theme == t.theme_id for t in told.themes)


def test_the_themes_page_shows_the_broad_theme_of_split_themes_only():
    import pandas as pd

    themes = pd.DataFrame({"theme_id": [0, 1, 2, 3], "label": ["Leie", "Kø", "Jobb", "Helse"],
                           "parent_theme": [0, 0, 1, 2], "parent_label": ["Bolig", "Bolig", "Jobb", "Helse"]})
    assert broad_themes(themes) == {0: "Bolig", 1: "Bolig"}
    assert broad_themes(themes.drop(columns=["parent_theme", "parent_label"])) == {}


def test_a_big_theme_is_split_on_a_sample_and_every_answer_joins_its_part():
    eye = np.eye(16)
    X, truth = blobs([eye[0] + eye[1], eye[0] + eye[2]], 700, 0.15, seed=2)  # 1 400 > MAX_FIT_SIZE
    labels = split_stably(X, random_state=3)
    assert adjusted_rand_score(truth, labels) == 1.0
    assert np.array_equal(labels, split_stably(X, random_state=3))


def test_a_split_is_kept_only_when_each_part_has_words_of_its_own():
    rent = [["bolig", "husleie", "høy"]] * 6 + [["bolig", "husleie"]] * 4 + [["bolig"]] * 2
    queue = [["bolig", "venteliste", "lang"]] * 6 + [["venteliste"]] * 4 + [["bolig"]] * 2
    parts = np.repeat([0, 1], 12)
    assert told_apart_in_words(rent + queue, parts)
    # The second part says only what the whole theme says («bolig», or nothing of note): it is a
    # cut by form (the short answers), not a sub-theme.
    short = [["bolig"]] * 12
    assert not told_apart_in_words(rent + short, parts)
    # A word in a third of a part is not enough (MIN_WORD_SHARE 0.4), nor one as common among the siblings.
    third = [["bolig", "venteliste"]] * 4 + [["bolig"]] * 8
    assert not told_apart_in_words(rent + third, parts)
    everywhere = [["bolig", "husleie"]] * 12
    assert not told_apart_in_words(rent + everywhere, parts)
    assert told_apart_in_words(rent + queue, np.zeros(24, dtype=int))


def test_a_broad_theme_whose_stable_halves_say_the_same_is_left_whole():
    from sklearn.cluster import KMeans

    from fritekst.themes.clusterers import register_clusterer

    register_clusterer("kmeans-two", lambda min_themes, max_themes, random_state: KMeans(2, n_init=10, random_state=random_state))
    eye = np.eye(16)
    housing, _ = blobs([eye[0] + eye[1], eye[0] + eye[2]], 12, 0.15)  # one broad theme of two stable halves
    work, _ = blobs([-eye[0] + eye[5]], 24, 0.15, seed=4)
    vectors = np.vstack([housing, work])
    texts = ([f"Husleien er høy {i}" for i in range(12)] + [f"Venteliste på bolig {i}" for i in range(12)]
             + [f"Få jobber {i}" for i in range(24)])
    config = ThemeConfig(random_state=0, clusterer="kmeans-two")
    words = [["husleie", "høy"]] * 12 + [["venteliste", "bolig"]] * 12 + [["jobb"]] * 24
    split = discover_themes(vectors, words, texts, config)
    assert len(split.themes) == 3 and len(set(split.parents())) == 2
    assert adjusted_rand_score(np.repeat([0, 1, 2], [12, 12, 24]), split.labels) == 1.0
    same = [["bolig"]] * 24 + [["jobb"]] * 24
    whole = discover_themes(vectors, same, texts, config)
    assert len(whole.themes) == 2 and all(t.parent_theme == t.theme_id for t in whole.themes)
    assert adjusted_rand_score(np.repeat([0, 1], 24), whole.labels) == 1.0
