"""Theme labels that read like an analyst's heading (issue 19, part 4), with the real pipeline."""

import numpy as np

from fritekst import nlp
from fritekst.themes import describe_themes, keyword_tokens
from fritekst.themes.labels import heading_labels, noun_phrases

INTERPRETERS = [
    "Vi har stort behov for tolk i helsetjenesten.",
    "Behov for tolk på flere språk, særlig tigrinja.",
    "Det er behov for tolk ved foreldremøter.",
    "Kommunen mangler kvalifiserte tolker og har behov for tolk på telefon.",
    "Skjermtolking virker, men behovet for tolk er stort.",
]
HOUSING = [
    "Mangel på boliger er den største barrieren.",
    "Det er mangel på boliger til store familier.",
    "Mangel på boliger og høye leiepriser i sentrum.",
    "Private utleiere vil ikke leie ut, og det er mangel på boliger.",
    "Vi har stor mangel på boliger i Bergen.",
]


def described(groups):
    texts = [text for group in groups for text in group]
    labels = np.repeat(np.arange(len(groups)), [len(group) for group in groups])
    return describe_themes(keyword_tokens(texts), texts, labels)


def test_a_label_is_the_noun_phrase_the_answers_share_as_they_write_it():
    themes = described([INTERPRETERS, HOUSING])
    assert themes[0][0] == "Behov for tolk"
    assert themes[1][0] == "Mangel på boliger"  # as written, not the lemmas «mangel på bolig»


def test_a_place_name_is_no_label_though_it_may_stay_a_keyword():
    bergen = [f"{text} Det gjelder Bergen sentrum." for text in HOUSING]
    label, keywords, _ = described([INTERPRETERS, bergen])[1]
    assert "Bergen" not in label and "Mangel på boliger" in label
    assert any("Bergen" in keyword for keyword in keywords)


def test_bokmal_and_nynorsk_forms_of_one_word_are_one_keyword():
    adult_education = [
        "Godt samarbeid med voksenopplæringen om norskopplæring.",
        "Voksenopplæringen gir norskopplæring til alle deltakere.",
        "Vi samarbeider tett med vaksenopplæringa.",
        "Vaksenopplæringa har gode kurs i norsk.",
    ]
    label, keywords, _ = described([adult_education, HOUSING])[0]
    assert "voksenopplæring" in label.lower()
    assert not any("vaksenopplæring" in keyword.lower() for keyword in keywords), keywords
    assert sum("voksenopplæring" in keyword.lower() for keyword in keywords) >= 1


def test_a_lemma_no_answer_writes_is_shown_as_a_word():
    service = [
        "Flyktningtjenesten har lang erfaring med bosetting.",
        "Tett samarbeid mellom skolen og flyktningtjenesten.",
        "Flyktningtjenesten koordinerer det tverrfaglige arbeidet.",
        "Flyktningtjenesten følger opp familiene.",
    ]
    assert "flyktningtjenest" in nlp.lemmatise(["flyktningtjenesten"])[0]  # the pipeline's lemma is no word
    label, keywords, _ = described([service, HOUSING])[0]
    assert label == "Flyktningtjeneste"
    assert "flyktningtjeneste" in keywords and "flyktningtjenest" not in keywords


def test_no_two_themes_get_the_same_heading():
    # Housing is the subject of every answer; what sets the themes apart is prices and waiting lists.
    prices = [f"Mangel på boliger og høye leiepriser. {extra}" for extra in ("Leieprisene er for høye.",
              "Leieprisene stiger.", "Høye leiepriser i byen.", "Leieprisene skremmer familiene.")]
    waiting = [f"Mangel på boliger og lange ventelister. {extra}" for extra in ("Ventelisten er lang.",
               "Ventelister for kommunale boliger.", "Det er venteliste.", "Lange ventelister hos oss.")]
    labels = [label for label, *_ in described([prices, waiting]).values()]
    assert len(set(labels)) == 2, labels
    assert "leiepris" in labels[0].lower() and "venteliste" in labels[1].lower()


def test_generic_words_are_no_heading_and_a_thin_theme_falls_back_to_keywords():
    words = nlp.tagged_words(["Tid og sted.", "Tiden og stedet.", "Bolig.", "Boliger."])
    assert heading_labels(words, np.array([0, 0, 1, 1]), {})[0] is None
    assert [key for key, _ in noun_phrases(nlp.tagged_words(["Behov for tolk i Bergen."])[0])] == [
        ("behov", "for", "tolk"), ("tolk",)]


# Issue 19, part 4, second round: the rules below, each with answers written for the purpose.
WORK = [
    "Det er få jobber i industrien her.",
    "Industrien er nedlagt, og det er lite jobb å få.",
    "Flere jobber i industrien ville hjulpet.",
    "Vi mangler jobber for de som er ferdige med programmet.",
    "Jobb er viktigst for å bli boende.",
    "Mangel på boliger, og ingen jobb å gå til.",
]


def test_a_country_written_as_an_acronym_is_a_place_kept_out_of_the_label_and_marked_in_keywords():
    from fritekst.themes.labels import is_place_or_name

    usa = [f"{text} Mange har slekt i USA." for text in INTERPRETERS]
    label, keywords, marked = described([usa, HOUSING])[0]
    assert "USA" not in label and label.startswith("Behov for tolk"), label
    assert "USA" in keywords and "USA" in marked, (keywords, marked)
    usa_word = [w for w in nlp.tagged_words(["De kom fra USA i fjor."])[0] if w.text == "USA"][0]
    nav_word = [w for w in nlp.tagged_words(["De får hjelp fra NAV i fjor."])[0] if w.text == "NAV"][0]
    assert is_place_or_name(usa_word) and not is_place_or_name(nav_word)  # NAV stays a heading word


def test_generic_words_and_places_are_marked_among_the_keywords_and_nothing_else_is():
    bergen = [f"{text} Det gjelder Bergen kommune." for text in HOUSING]
    label, keywords, marked = described([INTERPRETERS, bergen])[1]
    assert set(marked) <= set(keywords)
    assert {"Bergen", "stor"} <= set(marked), (keywords, marked)
    assert not {"bolig", "mangel", "leiepris"} & set(marked)


def test_a_time_word_never_makes_a_label():
    # «årene» is in every housing answer and in no other: the old rule called the theme «Mangel på boliger og år».
    housing = [f"{text} Det har blitt verre de siste årene." for text in HOUSING]
    label, *_ = described([WORK, housing])[1]
    assert label == "Mangel på boliger"


def test_a_generic_word_alone_is_no_label():
    services = [
        "Tjenestene strekker seg langt.",
        "Vi har nok kapasitet i tjenestene.",
        "Tjenestene våre er presset.",
        "Det er vanskelig å dimensjonere tjenestene.",
    ]
    label, *_ = described([services, HOUSING])[0]
    assert label.lower() != "tjeneste"


def test_one_phrase_covering_the_theme_stands_alone_rather_than_joined_to_an_unrelated_one():
    # Every answer here is about health, two of them also about municipal housing: under the old
    # rule the phrase bonus joined them into «Helse og kommunale boliger».
    health = [
        "Helse er den største utfordringen, særlig psykisk helse.",
        "Mange sliter med helse etter flukten.",
        "Helse og fastlege er en flaskehals.",
        "Vi mangler kommunale boliger, og helse er et problem.",
        "Dårlig helse gjør at mange ikke kommer i jobb.",
        "Lite kapasitet i helse, og få kommunale boliger.",
    ]
    label, *_ = described([health, WORK])[0]
    assert label == "Helse"


def test_a_second_phrase_written_in_the_same_answers_joins_one_that_covers_the_theme():
    children = [
        "Barn med lite skolebakgrunn trenger mer hjelp.",
        "Mange barn har kort skolebakgrunn.",
        "Barn må få plass raskt.",
        "Barn trenger tolk i skolen.",
        "Foreldre uten skolebakgrunn trenger veiledning.",
        "Barn og unge trenger oppfølging.",
    ]
    label, *_ = described([children, HOUSING])[0]
    assert label == "Barn og skolebakgrunn"


def test_a_phrase_wins_by_coverage_not_by_being_a_phrase():
    # «jobb» is in half of these answers, «mangel på boliger» in three of eight: the old phrase
    # bonus put the phrase first («Mangel på boliger og jobb»); the word that covers more leads,
    # and covering half the theme it takes no unrelated second (only «industri», written with it).
    work = [
        "Det er få jobber i industrien her.",
        "Industrien er nedlagt, og det er lite jobb å få.",
        "Vi trenger flere jobber.",
        "Jobb er viktigst for å bli boende.",
        "Mangel på boliger gjør at folk flytter.",
        "Mangel på boliger og lite arbeid.",
        "Det er mangel på boliger for enslige.",
        "Praksisplasser er vanskelig å finne.",
    ]
    label, *_ = described([work, INTERPRETERS])[0]
    assert label in ("Jobb", "Jobb og industri"), label


def test_two_forms_of_one_stem_are_not_joined():
    grants = [
        "Tilskuddet er for lavt.",
        "Ekstratilskuddet kommer for sent.",
        "Vi søker ekstratilskudd hvert år, og tilskuddet er uforutsigbart.",
        "Tilskudd til bosetting må økes.",
        "Ekstratilskudd for enslige mindreårige burde vært enklere.",
    ]
    label, *_ = described([grants, HOUSING])[0]
    assert label in ("Tilskudd", "Ekstratilskudd"), label


def test_a_big_sub_theme_is_named_by_what_sets_it_apart_though_all_its_siblings_share_the_subject():
    # All the answers are about cooperation; NAV is in every answer of the larger part and in one
    # of the smaller: lift over the whole could not pass 14/10 = 1.4, under the 1.5 asked.
    nav = [f"Samarbeidet med NAV {rest}" for rest in (
        "er godt.", "fungerer dårligere enn før.", "er under utvikling.", "er blitt bedre med egen veileder.",
        "er tungrodd.", "går greit.", "burde vært tettere.", "er viktig for deltakerne.", "har stoppet opp.",
        "er avhengig av én person.")]
    other = ["Samarbeid med nabokommunene fungerer.", "Godt samarbeid med Røde Kors.",
             "Samarbeidet med NAV og skolen er godt.", "Interkommunalt samarbeid er sårbart."]
    label, *_ = described([nav, other])[0]
    assert label == "Samarbeidet med NAV"  # the phrase every answer of the part writes


def test_the_bench_counts_a_compound_of_dictionary_words_as_a_word_and_a_broken_lemma_as_an_error():
    from bench.labels import is_compound, label_faults

    table = nlp.lemma_table()
    assert "integreringslov" not in table  # Ordbank does not list it: only the compound rule can tell
    assert is_compound("integreringslov", table)  # integrering + s + lov
    assert is_compound("flyktningtjeneste", table)
    assert not is_compound("flyktningtjenest", table)  # «tjenest» is no lemma
    assert not is_compound("xqzvlov", table)  # a last part alone is not enough
    assert label_faults("Veiledning og integreringslov", set(), set())["lemma_errors"] == 0
    assert label_faults("Flyktningtjenest", set(), set())["lemma_errors"] == 1


def test_the_keyword_triplet_that_stands_in_leaves_out_the_questions_subject_and_keeps_to_nouns():
    from fritekst.themes.discover import keyword_label
    from fritekst.themes.labels import question_subject

    subject = question_subject([["bolig", "buss"], ["bolig", "jobber"], ["bolig"], ["tolk"]])
    assert subject == {"bolig"}  # in three of four answers: what the question is about
    never = lambda keyword: False  # noqa: E731
    words = ["bolig", "buss", "jobber", "lite"]
    assert keyword_label(words, words, subject, never) == "Buss og jobber"
    # With one keyword left beside the subject, the subject stays rather than a label of one word.
    shown = ["samarbeid", "felles", "NAV"]
    assert keyword_label(["samarbeid", "felles", "nav"], shown, frozenset({"samarbeid", "nav"}), never) == "Samarbeid og NAV"
    generic = lambda keyword: keyword == "stor"  # noqa: E731
    assert keyword_label(["stor", "tolk", "språk"], ["stor", "tolk", "språk"], frozenset(), generic) == "Tolk og språk"


def test_an_organisation_written_in_everyday_words_is_no_place_but_a_surname_still_is():
    from fritekst.themes.labels import is_place_or_name

    red_cross = [
        "Røde Kors driver leksehjelp for barna.",
        "Godt samarbeid med Røde Kors om aktiviteter.",
        "Røde Kors har besøksvenner for de eldste.",
        "Frivillige fra Røde Kors følger opp familiene.",
    ]
    label, keywords, marked = described([INTERPRETERS, red_cross])[1]
    assert "Røde Kors" in label or "Kors" in label, (label, keywords)
    assert not [keyword for keyword in marked if "Kors" in keyword or "Røde" in keyword], marked
    words = nlp.tagged_words(["Vi fikk hjelp av Berg på kontoret.", "Arbeidsmarkedet er stramt her."])
    tagged = {word.text: word for text in words for word in text}
    assert tagged["Berg"].pos == "PROPN" and is_place_or_name(tagged["Berg"])  # a surname stays a name
    assert not is_place_or_name(tagged["Arbeidsmarkedet"])


def test_a_name_in_everyday_words_grows_from_its_word_in_the_label_and_an_agency_does_not():
    from fritekst.themes.keywords import theme_label

    assert theme_label(["Kors", "Røde Kors", "leksehjelp"]) == "Røde Kors og leksehjelp"
    assert theme_label(["NAV", "NAV Indre", "jobb"]) == "NAV og jobb"
    assert theme_label(["barn", "barn skolebakgrunn", "skole"]) == "Barn og skole"


def test_a_second_phrase_shown_around_its_word_never_repeats_the_first():
    # «kommunenivå» scores as a second phrase; most of its answers write «statistikk på kommunenivå»,
    # which would have made the label «Statistikk og statistikk på kommunenivå».
    statistics = [
        "Vi trenger statistikk på kommunenivå.",
        "Mer statistikk på kommunenivå, takk.",
        "Statistikk på kommunenivå mangler.",
        "Bedre statistikk om bosetting.",
        "Statistikk som er oppdatert.",
        "Statistikk for små kommuner, helst på kommunenivå.",
    ]
    label, *_ = described([INTERPRETERS, statistics])[1]
    words = [word.strip(",").lower() for word in label.split()]
    assert words.count("statistikk") == 1, label
    # Words count, not stems: «frivillige lag» shares only a stem with «frivilligsentral».
    volunteers = [
        "Godt samarbeid med frivilligsentralen.",
        "Frivilligsentralen og frivillige lag hjelper mye.",
        "Frivillige lag tar imot familiene.",
        "Frivilligsentralen har leksehjelp.",
        "Vi bruker frivillige lag og frivilligsentralen.",
        "Frivilligsentralen er viktig.",
    ]
    assert described([INTERPRETERS, volunteers])[1][0] == "Frivilligsentral og frivillige lag"
