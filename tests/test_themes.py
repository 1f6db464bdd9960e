"""Theme discovery on real embeddings of small Norwegian answer sets."""

from __future__ import annotations

import numpy as np
import pytest

from fritekst.embed import get_embedder
from fritekst.nlp import STOP_WORDS
from fritekst.themes import (
    UNASSIGNED,
    AdaptiveKMeans,
    ThemeConfig,
    content_text,
    discover_themes,
    keyword_tokens,
    theme_count_range,
    theme_label,
)

HOUSING = [
    "Vi mangler boliger til flyktningene som skal bosettes.",
    "Det er for få egnede boliger i kommunen vår.",
    "Boligmarkedet er stramt og husleiene er høye.",
    "Mangel på kommunale boliger gjør bosetting vanskelig.",
    "Vi finner ikke boliger som passer for store familier.",
    "Boligmangel er den største utfordringen for oss.",
    "Leie av private boliger er dyrt og det er få ledige boliger.",
]
WORK = [
    "Det er få jobber for flyktninger i regionen.",
    "Arbeidsmarkedet er lite og det er vanskelig å få jobb.",
    "Flyktningene får ikke jobb etter introduksjonsprogrammet.",
    "Mangel på arbeidsplasser gjør det vanskelig å få jobb.",
    "Arbeidsgivere vil ikke ansette flyktninger uten norskkunnskaper.",
    "Få relevante jobber og lite arbeid i kommunen.",
]
HEALTH = [
    "Helsetjenesten har ikke kapasitet til flyktninger med traumer.",
    "Vi mangler psykologer og psykiatrisk hjelp til flyktninger.",
    "Fastlegene har lange ventelister og liten kapasitet på helse.",
    "Flyktninger med store helseutfordringer krever mye av helsetjenesten.",
    "Psykisk helse og traumer hos flyktninger krever kapasitet vi ikke har.",
    "Helse og psykiatri har for lite kapasitet.",
]
TEXTS = HOUSING + WORK + HEALTH
TRUTH = [0] * len(HOUSING) + [1] * len(WORK) + [2] * len(HEALTH)


@pytest.fixture(scope="module")
def embedded():
    tokens = keyword_tokens(TEXTS)
    embedder = get_embedder("e5-small")
    return embedder.encode(TEXTS), embedder.encode(content_text(tokens, TEXTS)), tokens


def test_theme_count_range_grows_slowly_with_n():
    assert theme_count_range(3) == (1, 1)
    assert theme_count_range(20) == (2, 3)
    assert theme_count_range(60) == (4, 6)
    low_small, _ = theme_count_range(200)
    low_big, high_big = theme_count_range(100_000)
    assert low_small < low_big <= high_big <= 40
    assert theme_count_range(200, min_themes=3, max_themes=3) == (3, 3)


def test_a_number_of_themes_asked_for_is_kept_at_any_n():
    assert theme_count_range(30, min_themes=12, max_themes=12) == (12, 12)  # default cap: 10
    assert theme_count_range(100, min_themes=20) == (20, 30)
    assert theme_count_range(8, max_themes=50) == (2, 7)


def test_small_question_gets_themes_that_follow_the_subjects(embedded):
    from sklearn.metrics import adjusted_rand_score

    vectors, content, tokens = embedded
    result = discover_themes(vectors, tokens, TEXTS, ThemeConfig(random_state=0), content)
    assert (result.labels != UNASSIGNED).all()
    assert 2 <= len(result.themes) <= 3
    told = discover_themes(vectors, tokens, TEXTS, ThemeConfig(min_themes=3, max_themes=3), content)
    assert adjusted_rand_score(TRUTH, told.labels) > 0.3  # chance is 0
    sizes = [theme.size for theme in result.themes]
    assert sizes == sorted(sizes, reverse=True), "ids are ordered by size"
    assert [t.theme_id for t in result.themes] == list(range(len(result.themes)))


def test_keywords_are_norwegian_lemmas_without_stop_words(embedded):
    vectors, content, tokens = embedded
    result = discover_themes(vectors, tokens, TEXTS, ThemeConfig(min_themes=3, max_themes=3), content)
    all_keywords = [k for theme in result.themes for k in theme.keywords]
    assert all_keywords
    for keyword in all_keywords:
        assert not set(keyword.split()) & STOP_WORDS, keyword
    housing_theme = np.bincount(result.labels[: len(HOUSING)]).argmax()
    housing = next(t for t in result.themes if t.theme_id == housing_theme)
    assert "bolig" in housing.keywords[:3]


def test_keyword_tokens_keep_norwegian_letters():
    (tokens,) = keyword_tokens(["Særskilt tilskudd til økonomisk rådgivning på Sørlandet"])
    letters = set("".join(tokens))
    assert {"æ", "ø", "å"} <= letters, tokens


def test_representatives_are_members_and_printable(embedded):
    vectors, content, tokens = embedded
    result = discover_themes(vectors, tokens, TEXTS, ThemeConfig(min_themes=3, max_themes=3), content)
    for theme in result.themes:
        assert 1 <= len(theme.representatives) <= 3
        assert all(result.labels[row] == theme.theme_id for row in theme.representatives)


def test_same_seed_same_labels_and_keep_outliers_leaves_them_unassigned(embedded):
    vectors, content, tokens = embedded
    first = discover_themes(vectors, tokens, TEXTS, ThemeConfig(random_state=7), content)
    second = discover_themes(vectors, tokens, TEXTS, ThemeConfig(random_state=7), content)
    assert np.array_equal(first.labels, second.labels)
    assert [t.keywords for t in first.themes] == [t.keywords for t in second.themes]
    kept = discover_themes(vectors, tokens, TEXTS, ThemeConfig(random_state=7, reassign_outliers=False), content)
    assert np.array_equal(kept.labels == UNASSIGNED, kept.outliers)


def test_tiny_inputs_do_not_crash():
    vectors = get_embedder("e5-small").encode(["Boliger.", "Jobb."])
    result = discover_themes(vectors, keyword_tokens(["Boliger.", "Jobb."]), ["Boliger.", "Jobb."])
    assert list(result.labels) == [0, 0]
    empty = discover_themes(np.zeros((0, 384), dtype=np.float32), [], [])
    assert empty.themes == ()


def test_identical_answers_make_one_theme(embedded):
    vectors, content, tokens = embedded
    same = discover_themes(np.repeat(vectors[:1], 30, axis=0), [tokens[0]] * 30, [TEXTS[0]] * 30,
                           content_vectors=np.repeat(content[:1], 30, axis=0))
    assert len(same.themes) == 1 and same.themes[0].size == 30


@pytest.mark.parametrize("n", [1, 2, 3, 5, 11, 12, 13, 16, 19])
def test_every_small_n_gives_themes_for_all(embedded, n):
    vectors, content, tokens = embedded
    result = discover_themes(vectors[:n], tokens[:n], TEXTS[:n], content_vectors=content[:n])
    assert len(result.labels) == n and (result.labels >= 0).all()
    assert sum(theme.size for theme in result.themes) == n


def test_adaptive_kmeans_follows_the_estimator_contract():
    model = AdaptiveKMeans(random_state=3)
    assert model.get_params()["random_state"] == 3
    assert not hasattr(model, "labels_")
    X = np.vstack([np.eye(4)[i % 2] + 0.01 * i for i in range(20)])
    assert model.fit(X) is model and model.n_themes_ == 2


def test_theme_label_reads_as_norwegian():
    assert theme_label(["bolig", "husleie", "leilighet", "marked"]) == "Bolig, husleie og leilighet"
    assert theme_label(["tolk"]) == "Tolk"
    assert theme_label(["barn", "barn skolebakgrunn", "psykisk helse", "skole"]) == "Barn, psykisk helse og skole"
    assert theme_label([]) == "(uten nøkkelord)"


def test_class_tfidf_matches_bertopic():
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy import sparse

    from fritekst.themes.keywords import class_tfidf

    counts = np.random.default_rng(0).integers(0, 5, size=(4, 30)).astype(float)
    counts[:, 0] = 0  # a word no theme uses
    counts[1, 1] = 40  # a very frequent word
    theirs = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(sparse.csr_matrix(counts)).toarray()
    # BERTopic truncates the mean number of words per theme to an integer; fritekst does not.
    np.testing.assert_allclose(class_tfidf(counts), theirs, rtol=0.02)
    assert (np.argsort(-class_tfidf(counts), axis=1)[:, :5] == np.argsort(-theirs, axis=1)[:, :5]).mean() > 0.9


def test_large_inputs_are_fitted_on_a_sample_and_every_text_gets_a_theme():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(5, 16))
    X = np.vstack([centres[i % 5] + 0.05 * rng.normal(size=16) for i in range(600)])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    model = AdaptiveKMeans(min_themes=5, max_themes=5, max_fit_size=200, random_state=0).fit(X)
    truth = np.arange(600) % 5
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(truth, model.labels_) == 1.0
    again = AdaptiveKMeans(min_themes=5, max_themes=5, max_fit_size=200, random_state=0).fit(X)
    assert np.array_equal(model.labels_, again.labels_)


def test_keywords_are_shown_as_respondents_write_them():
    from fritekst.themes.keywords import display_keyword, written_forms

    forms = written_forms([
        "IMDi bør svare raskere.", "Kontakt med NAV og imdi-portalen.", "Vi i Bergen trenger boliger.",
        "Boliger mangler. Tolk er viktig.",
    ])
    assert [display_keyword(k, forms) for k in ("imdi-portal", "nav", "bergen", "bolig", "tolk", "kontakt")] == [
        "IMDi-portal", "NAV", "Bergen", "bolig", "tolk", "kontakt"]


def test_person_names_are_no_keywords_and_ordinary_words_that_are_names_stay():
    from fritekst.themes import describe_themes

    helpers = [
        "Kari Nordmann på flyktningkontoret hjelper familiene med bolig.",
        "Vi ringer alltid kari nordmann når familiene trenger bolig.",
        "Uten Kari Nordmann hadde boligsøket stoppet opp.",
        "Kari Nordmann kjenner boligmarkedet og utleierne.",
        "Takk til kari nordmann for hjelpen med bolig til storfamilien.",
        "Familiene får et godt liv når boligen er på plass.",
        "Et trygt liv starter med en egen bolig.",
    ]
    texts = helpers + WORK
    labels = np.array([0] * len(helpers) + [1] * len(WORK))
    described = describe_themes(keyword_tokens(texts), texts, labels)
    label, keywords, _ = described[0]
    assert not any(part in keyword.lower() for keyword in keywords for part in ("kari", "nordmann")), keywords
    assert "Kari" not in label and "Nordmann" not in label, label
    assert "liv" in keywords and "bolig" in keywords, keywords  # "Liv" is a name, but here the word
