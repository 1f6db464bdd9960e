"""Tests for fritekst.clean: normalisation, non-answers, segmentation, the stage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fritekst.clean import NonAnswerDetector, clean_answers, normalise, segment

# ---------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Mangel   på\tboliger  ", "Mangel på boliger"),
        ("Bolig &amp; arbeid", "Bolig & arbeid"),
        ("Samarbeid med fylkeskommunen&nbsp;fungerer", "Samarbeid med fylkeskommunen fungerer"),
        ("Behov for st&oslash;tte", "Behov for støtte"),
        ("Behov for st&amp;oslash;tte", "Behov for støtte"),  # escaped twice by the export
        ("<p>Flere <b>boliger</b></p>", "Flere boliger"),
        ("Flere boliger<br>Mer tolk", "Flere boliger. Mer tolk"),
        ("Flere boliger<BR/>Mer tolk", "Flere boliger. Mer tolk"),
        ("Kommuner <5 000 og >20 000 innbyggere", "Kommuner <5 000 og >20 000 innbyggere"),
        ("Tolk\u200b\u00adtjeneste\x07", "Tolktjeneste"),
        ("\ufeffBOM foran", "BOM foran"),
    ],
)
def test_normalise_cleans_html_controls_and_space(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_composes_and_keeps_norwegian_letters() -> None:
    decomposed = "Sma\u030a barn, kafe\u0301 og Mu\u0308ller: ÆØÅ æøå"
    result = normalise(decomposed)
    assert result == "Små barn, kafé og Müller: ÆØÅ æøå"
    assert "\u030a" not in result


def test_normalise_turns_line_breaks_into_sentence_boundaries() -> None:
    assert normalise("Boliger mangler\nTolk er dyrt") == "Boliger mangler. Tolk er dyrt"
    # a line that already ends a clause gets no extra full stop
    assert normalise("Boliger mangler.\r\nTolk er dyrt,\nog sjelden") == "Boliger mangler. Tolk er dyrt, og sjelden"
    assert normalise("Boliger\n\n\nTolk") == "Boliger. Tolk"


def test_normalise_drops_bullet_and_list_marks() -> None:
    assert normalise("- Boliger\n- Tolk\n* Skole") == "Boliger. Tolk. Skole"
    assert normalise("1. Boliger\n2. Tolk") == "Boliger. Tolk"
    assert normalise("• Boliger") == "Boliger"
    # a lone number at the start is content, not a list mark
    assert normalise("1. januar kom det mange") == "1. januar kom det mange"
    # a bare dash is the whole answer, not a bullet
    assert normalise("-") == "-"


def test_normalise_is_idempotent() -> None:
    for raw in ["- Boliger\n- Tolk", "Flere boliger<br>Mer tolk", "  a&amp;b  ", "Vet ikke"]:
        once = normalise(raw)
        assert normalise(once) == once


# -------------------------------------------------------------- non-answers


@pytest.mark.parametrize(
    "text",
    [
        "vet ikke", "Vet ikke.", "Veit ikkje", "Jeg vet ikke", "Ingen kommentar", "Ingen kommentarer!",
        "nei", "Nei takk", "Nei, takk.", "-", "--", "x", "XX", ".", "...", "?", "",
        "Ikke relevant", "Ikkje relevant", "Ikke aktuelt", "ikke aktuelt for oss nå", "ingen",
        "har ingen", "n/a", "N/A", "na", "OK", "Behovet er dekket.", "Ingenting å tilføye",
        "Ingen formening", "ikke noe", "Ikkje noko", "Nothing", "No comment", "Don't know",
        "123", "2021", "<p>&nbsp;</p>", "Nei. Ingen kommentar.", "nei, det har vi ikke",
        "Vi har ikke behov for dette nå", "Ingen spesielle kommentarer til dette spørsmålet",
    ],
)
def test_detects_non_answers(text: str) -> None:
    assert NonAnswerDetector().is_non_answer(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nei, men vi trenger flere boliger",
        "Ingen, alt fungerer bra",
        "Bolig",
        "tolk",
        "Samarbeid med NAV",
        "ikke relevant for oss siden vi ikke bosetter, men vi tar imot familiegjenforente",
        "Vet ikke om tilskuddet dekker utgiftene til skole",
        "Ja, vi mangler kommunale utleieboliger",
    ],
)
def test_keeps_answers_with_content(text: str) -> None:
    assert not NonAnswerDetector().is_non_answer(text)


def test_missing_values_are_non_answers() -> None:
    assert NonAnswerDetector().mark([None, float("nan"), "Tolk"]).tolist() == [True, True, False]


def test_detector_is_configurable() -> None:
    detector = NonAnswerDetector(
        extra_phrases=("som i fjor",),
        extra_patterns=(r"se (?:svar|spørsmål) \d+",),
        remove_phrases=("ja", "nei"),
    )
    assert detector.is_non_answer("Som i fjor.")
    assert detector.is_non_answer("Se svar 12")
    assert not detector.is_non_answer("Ja")
    assert not detector.is_non_answer("Nei")  # removed even though a built-in pattern matches it
    assert detector.is_non_answer("Vet ikke")  # the rest of the list still applies
    assert not NonAnswerDetector(builtin=False).is_non_answer("vet ikke")
    assert NonAnswerDetector(builtin=False).is_non_answer("-")


def test_detector_rejects_a_bad_pattern_by_name() -> None:
    with pytest.raises(ValueError, match=r"\(unclosed"):
        NonAnswerDetector(extra_patterns=("(unclosed",)).is_non_answer("x")


def test_mark_is_a_boolean_array() -> None:
    marks = NonAnswerDetector().mark(pd.Series(["vet ikke", "Flere boliger", "-"]))
    assert isinstance(marks, np.ndarray)
    assert marks.dtype == bool
    assert marks.tolist() == [True, False, True]
    assert NonAnswerDetector().mark([]).shape == (0,)


def test_curated_list_is_a_readable_data_file() -> None:
    from importlib import resources

    text = resources.files("fritekst").joinpath("data", "non_answers_nb.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert "vet ikke" in lines and "veit ikkje" in lines and "behovet er dekket" in lines
    assert any(line.startswith("re:") for line in lines)


# --------------------------------------------------------------- segmentation


def test_answer_mode_keeps_the_answer_whole() -> None:
    assert segment("Flere boliger. Mer tolk.") == ["Flere boliger. Mer tolk."]


def test_sentence_mode_splits_themes() -> None:
    text = "Vi mangler boliger til alle som kommer. Samarbeidet med NAV kan bli bedre! Hva med tolk?"
    assert segment(text, "sentence") == [
        "Vi mangler boliger til alle som kommer.",
        "Samarbeidet med NAV kan bli bedre!",
        "Hva med tolk?",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Vi trenger bl.a. flere boliger i sentrum av kommunen.",
        "Vi trenger f.eks. flere boliger i sentrum av kommunen.",
        "Det gjelder ca. 20 personer hvert eneste år her.",
        "Vi har brukt ca. 2.5 mill. kr på dette tiltaket.",
        "Møtet ble holdt 12.05.2021 på rådhuset i sentrum.",
        "Det gjelder elever i 2. klasse og deres foreldre.",
        "Vi samarbeider mht. aktiviteter med frivillige lag.",
        "Vi følger opp jf. kap. 3 i loven om dette.",
        "Kurset starter kl. 9 på dagtid hver uke.",
        "Se sak nr. 4 og evt. vedlegg til saken.",
        "Det gjelder dvs. alle som er bosatt siste år.",
        "Vi har bolig, skole o.l. på plass for alle.",
    ],
)
def test_sentence_mode_does_not_split_abbreviations_numbers_or_dates(text: str) -> None:
    assert segment(text, "sentence") == [text]


def test_list_abbreviation_may_end_a_sentence_before_a_capital() -> None:
    text = "Vi trenger boliger, skoleplasser osv. Tolketjenesten er også for dårlig."
    assert segment(text, "sentence") == [
        "Vi trenger boliger, skoleplasser osv.",
        "Tolketjenesten er også for dårlig.",
    ]


def test_line_breaks_bullets_and_semicolons_are_boundaries() -> None:
    assert segment("Vi mangler nok boliger\nNAV-samarbeidet må bli bedre", "sentence") == [
        "Vi mangler nok boliger.",
        "NAV-samarbeidet må bli bedre",
    ]
    assert segment("- For få boliger i sentrum\n- For lite tolk på skolen", "sentence") == [
        "For få boliger i sentrum.",
        "For lite tolk på skolen",
    ]
    assert segment("Boligmangel er et stort problem; samarbeidet med NAV fungerer godt", "sentence") == [
        "Boligmangel er et stort problem",
        "samarbeidet med NAV fungerer godt",
    ]
    assert segment("For få boliger i sentrum • For lite tolk på skolen", "sentence") == [
        "For få boliger i sentrum",
        "For lite tolk på skolen",
    ]


def test_short_fragments_merge_into_a_neighbour() -> None:
    # a leading fragment joins the next piece, a later one the previous piece
    assert segment("Nei. Vi har ikke flere kommentarer nå.", "sentence") == ["Nei. Vi har ikke flere kommentarer nå."]
    assert segment("Vi mangler boliger i kommunen. Takk.", "sentence") == ["Vi mangler boliger i kommunen. Takk."]
    assert segment("- Bolig\n- Tolk\n- Skole", "sentence") == ["Bolig. Tolk. Skole"]
    assert segment("Boliger mangler. Tolk. Skole. Vi trenger mer tilskudd.", "sentence") == [
        "Boliger mangler. Tolk. Skole.",
        "Vi trenger mer tilskudd.",
    ]


def test_segment_edge_cases() -> None:
    assert segment("", "sentence") == [""]
    assert segment("   ", "answer") == [""]
    assert segment("En setning uten punktum", "sentence") == ["En setning uten punktum"]
    with pytest.raises(ValueError, match="answer, sentence"):
        segment("tekst", "clause")  # type: ignore[arg-type]


# ------------------------------------------------------------------ the stage


@pytest.fixture
def answers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["r1", "r2", "r3", "r4"],
            "question": ["q7", "q7", "q7", "q8"],
            "question_text": ["Hva hindrer bosetting?"] * 3 + ["Andre kommentarer?"],
            "text": [
                "For få boliger i sentrum. Samarbeidet med NAV&nbsp;kan bli bedre.",
                "Vet ikke",
                None,
                "Vi mangler tolker til foreldremøter. Ellers har vi ingen flere kommentarer til dette.",
            ],
            "role": ["kommunedirektør", "integreringsansvarlig", "kommunedirektør", "skolesjef"],
            "wave": [2021, 2021, 2021, 2023],
            "kommunestørrelse": pd.Categorical(["<5 000", ">20 000", "5 000–20 000", "<5 000"]),
            "source_row": [2, 3, 4, 5],
        }
    )


def test_clean_answers_in_answer_mode(answers: pd.DataFrame) -> None:
    out = clean_answers(answers)
    assert list(out.columns) == [
        "id", "question", "segment", "text", "non_answer", "blank", "answer_text",
        "question_text", "role", "wave", "kommunestørrelse", "source_row",
    ]
    assert out["id"].tolist() == ["r1", "r2", "r3", "r4"]
    assert out["segment"].tolist() == [0, 0, 0, 0]
    assert out["non_answer"].tolist() == [False, True, True, False]
    assert out["blank"].tolist() == [False, False, True, False]
    assert out.loc[0, "text"] == "For få boliger i sentrum. Samarbeidet med NAV kan bli bedre."
    assert out.loc[2, "text"] == ""
    assert (out["text"] == out["answer_text"]).all()
    assert out["segment"].dtype == np.int64
    assert out["non_answer"].dtype == bool
    assert isinstance(out["kommunestørrelse"].dtype, pd.CategoricalDtype)
    assert out["source_row"].tolist() == [2, 3, 4, 5]


def test_clean_answers_in_sentence_mode(answers: pd.DataFrame) -> None:
    out = clean_answers(answers, segment_mode="sentence")
    assert out[["id", "segment"]].values.tolist() == [
        ["r1", 0], ["r1", 1], ["r2", 0], ["r3", 0], ["r4", 0], ["r4", 1],
    ]
    assert out["text"].tolist() == [
        "For få boliger i sentrum.",
        "Samarbeidet med NAV kan bli bedre.",
        "Vet ikke",
        "",
        "Vi mangler tolker til foreldremøter.",
        "Ellers har vi ingen flere kommentarer til dette.",
    ]
    # whole non-answers give one flagged segment; a "no more comments" tail is flagged alone
    assert out["non_answer"].tolist() == [False, False, True, True, False, True]
    assert out.loc[1, "answer_text"] == "For få boliger i sentrum. Samarbeidet med NAV kan bli bedre."
    assert out["role"].tolist() == [
        "kommunedirektør", "kommunedirektør", "integreringsansvarlig", "kommunedirektør", "skolesjef", "skolesjef",
    ]
    assert out.index.tolist() == list(range(6))


def test_clean_answers_uses_the_given_detector(answers: pd.DataFrame) -> None:
    out = clean_answers(answers, detector=NonAnswerDetector(remove_phrases=("vet ikke",)))
    assert out["non_answer"].tolist() == [False, False, True, False]


def test_clean_answers_keeps_a_non_default_index_order(answers: pd.DataFrame) -> None:
    shuffled = answers.iloc[[3, 0, 2, 1]].set_axis([10, 11, 12, 13])
    out = clean_answers(shuffled)
    assert out["id"].tolist() == ["r4", "r1", "r3", "r2"]
    assert out.index.tolist() == [0, 1, 2, 3]


def test_clean_answers_handles_empty_input_and_bad_arguments(answers: pd.DataFrame) -> None:
    out = clean_answers(answers.iloc[0:0], segment_mode="sentence")
    assert len(out) == 0
    assert list(out.columns)[:7] == ["id", "question", "segment", "text", "non_answer", "blank", "answer_text"]
    with pytest.raises(ValueError, match="text"):
        clean_answers(answers.drop(columns=["text"]))
    with pytest.raises(ValueError, match="segment_mode"):
        clean_answers(answers, segment_mode="paragraph")  # type: ignore[arg-type]


def test_clean_answers_accepts_any_detector_with_is_non_answer(answers: pd.DataFrame) -> None:
    class OnlyDashes:
        def is_non_answer(self, text: str) -> bool:
            return text.strip("-") == ""

    out = clean_answers(answers, detector=OnlyDashes())  # type: ignore[arg-type]
    assert out["non_answer"].tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("behovet er dekka", True),
        ("Behovet er stort sett dekket.", True),
        ("Ingen spesielle behov utover det vi har i dag.", True),
        ("Se svar fra integreringsansvarlig.", True),
        ("Se svar fra rådmann om bolig: vi trenger flere boliger og tolker.", False),
        ("Behovet er dekket, men vi trenger tolk.", False),
    ],
)
def test_no_need_and_see_other_answer_are_non_answers(text: str, expected: bool) -> None:
    assert NonAnswerDetector().is_non_answer(text) is expected
