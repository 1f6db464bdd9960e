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
