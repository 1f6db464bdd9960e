"""Survey exports as their tools write them: no header row is ever a respondent.

Each file is built from the tool's documented export layout (column names, header rows, markers,
date formats), with answers written for the purpose. Every layout is read as CSV and, where the
tool exports a workbook too, as XLSX with typed cells.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import warnings

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from typer.testing import CliRunner

from fritekst.cli import app
from fritekst.errors import InputError
from fritekst.survey import SurveyMapping, SurveyWarning, load_answers, load_mapping, read_table
from test_cli import ANSWERS

ROLE_QUESTION = "Hva er din rolle i kommunen?"
QUESTION = "Hva er de største utfordringene i bosettingsarbeidet?"
ANSWER_ROWS = [
    ("Kommunedirektør", "Mangel på egnede boliger, særlig i Øst"),
    ("Integreringsansvarlig", "Samarbeid med NAV og frivillig sektor"),
    ("Kommunedirektør", ""),
]


def write(path, rows, delimiter=",", quoting=csv.QUOTE_MINIMAL):
    """A CSV file as the tool writes it (UTF-8 with BOM, as Qualtrics and SurveyMonkey do), or a
    workbook with numbers and dates as typed cells."""
    if path.suffix == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, quoting=quoting).writerows(rows)
        path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
        return path
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([_typed(cell) for cell in row])
    book.save(path)
    return path


def _typed(cell: str):
    if re.fullmatch(r"-?\d+(\.\d+)?", cell) and not cell.startswith("0"):
        return float(cell) if "." in cell else int(cell)
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cell):
        return datetime.datetime.fromisoformat(cell)
    return cell or None


def quiet(call, *args, **kwargs):
    """Call and return, failing on any SurveyWarning: a recognised layout is read without doubt."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SurveyWarning)
        return call(*args, **kwargs)


# --- the layouts ---------------------------------------------------------------------------

QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Oslo"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Oslo"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    ("Q1", ROLE_QUESTION, '{"ImportId":"QID1"}'),
    ("Q2_TEXT", QUESTION, '{"ImportId":"QID2_TEXT"}'),
]


def qualtrics():
    rows = [list(column) for column in zip(*QUALTRICS_META)]
    for n, (role, answer) in enumerate(ANSWER_ROWS):
        rows.append([f"2024-03-0{n + 1} 09:12:33", f"2024-03-0{n + 1} 09:20:01", "IP Address", "100", "468",
                     "True", f"R_{n}aB3cD4eF5gH6iJ", "NO", role, answer])
    return rows


def qualtrics_legacy():
    names = [f"V{i}" for i in range(1, 11)] + ["Q1", "Q2"]
    wording = ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress", "IPAddress", "Status",
               "StartDate", "EndDate", "Finished", ROLE_QUESTION, QUESTION]
    rows = [names, wording]
    for n, (role, answer) in enumerate(ANSWER_ROWS):
        rows.append([f"R_{n}aB3cD4eF5gH6iJ", "Default Response Set", "Anonymous", "", "", "10.0.0.1", "0",
                     f"2015-03-0{n + 1} 09:12:33", f"2015-03-0{n + 1} 09:20:01", "1", role, answer])
    return rows


SURVEYMONKEY_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
                     "First Name", "Last Name", "Custom Data 1"]


def surveymonkey():
    rows = [
        [*SURVEYMONKEY_META, ROLE_QUESTION, "", QUESTION],
        [""] * len(SURVEYMONKEY_META) + ["Response", "Other (please specify)", "Open-Ended Response"],
    ]
    for n, (role, answer) in enumerate(ANSWER_ROWS):
        rows.append([f"1141782512{n}", "432178901", f"03/0{n + 1}/2024 9:12:33 AM", f"03/0{n + 1}/2024 9:20:01 AM",
                     "10.0.0.1", "", "", "", "", role, "Flyktningkonsulent" if n == 2 else "", answer])
    return rows


def nettskjema():
    rows = [["$submission_id", "$created", "rolle", "utfordringer", "$answer_time_ms"]]
    for n, (role, answer) in enumerate(ANSWER_ROWS):
        rows.append([f"2768529{n}", f"2024-03-0{n + 1}T09:12:33+01:00", role, answer, f"7463{n}"])
    return rows


def google_forms():
    rows = [["Tidsmerke", "E-postadresse", ROLE_QUESTION, QUESTION]]
    for n, (role, answer) in enumerate(ANSWER_ROWS):
        rows.append([f"0{n + 1}.03.2024 09:12:33", f"person{n}@kommune.no", role, answer])
    return rows


def limesurvey():
    rows = [["id", "submitdate", "lastpage", "startlanguage", "seed", "rolle", "Q2"]]
    for n, (role, answer) in enumerate(ANSWER_ROWS):
        rows.append([str(n + 1), f"2024-03-0{n + 1} 09:20:01", "2", "nb", f"12345678{n}", role, answer])
    return rows


def limesurvey_vv():
    rows = [["Response ID", "Date submitted", "Last page", "Start language", ROLE_QUESTION, QUESTION],
            ["id", "submitdate", "lastpage", "startlanguage", "rolle", "Q2"]]
    for n, (role, answer) in enumerate(ANSWER_ROWS):
        rows.append([str(n + 1), f"2024-03-0{n + 1} 09:20:01", "2", "nb", role, answer])
    return rows


def questback():
    """The export from the issue: a label row above numeric ids, only the last label a question."""
    rows = [["RespondentID", "Kommunenr", "Rolle", "Q7_utfordringer"],
            ["Respondent-ID", "Kommunenummer", "Rolle i kommunen", QUESTION]]
    for n, (role, answer) in enumerate(ANSWER_ROWS):
        rows.append([str(101 + n), f"{3001 + n:04d}", role, answer])
    return rows


# layout, rows, delimiter, the columns (id, role, text), the header rows, file formats
LAYOUTS = {
    "Qualtrics": (qualtrics, ",", ("ResponseId", "Q1", "Q2_TEXT"), (1, 2, 3), (".csv", ".xlsx")),
    "Qualtrics (legacy)": (qualtrics_legacy, ",", ("V1", "Q1", "Q2"), (1, 2), (".csv",)),
    "SurveyMonkey": (surveymonkey, ",", ("Respondent ID", ROLE_QUESTION, QUESTION), (1, 2), (".csv", ".xlsx")),
    "Nettskjema": (nettskjema, ";", ("$submission_id", "rolle", "utfordringer"), (1,), (".csv", ".xlsx")),
    "Google Forms": (google_forms, ",", ("E-postadresse", ROLE_QUESTION, QUESTION), (1,), (".csv", ".xlsx")),
    "LimeSurvey": (limesurvey, ",", ("id", "rolle", "Q2"), (1,), (".csv", ".xlsx")),
    "LimeSurvey (VV)": (limesurvey_vv, "\t", ("id", "rolle", "Q2"), (1, 2), (".csv",)),
    "Questback": (questback, ";", ("RespondentID", "Rolle", "Q7_utfordringer"), (1, 2), (".csv", ".xlsx")),
}
CASES = [(layout, suffix) for layout, spec in LAYOUTS.items() for suffix in spec[4]]


@pytest.mark.parametrize(("layout", "suffix"), CASES, ids=[f"{layout}{suffix}" for layout, suffix in CASES])
def test_every_layout_reads_its_answers_and_no_header_row(tmp_path, layout, suffix):
    build, delimiter, (id_column, role_column, text_column), header_rows, _ = LAYOUTS[layout]
    path = write(tmp_path / f"eksport{suffix}", build(), delimiter)
    table = quiet(read_table, path)
    assert (table.layout, table.header_rows) == (layout, header_rows)
    answers = quiet(load_answers, path, SurveyMapping(text=text_column, id=id_column, role=role_column))
    assert answers["text"].tolist() == [answer for _, answer in ANSWER_ROWS]
    assert answers["role"].tolist()[:2] == [role for role, _ in ANSWER_ROWS][:2]
    assert answers["source_row"].tolist() == [len(header_rows) + n for n in (1, 2, 3)]
    assert not answers["id"].str.contains("ImportId|Respondent|Response", regex=True).any()
    expected = QUESTION if len(header_rows) > 1 or layout == "Google Forms" else text_column
    assert answers["question_text"].unique().tolist() == [expected]
    assert answers.attrs["source"] == {"layout": layout, "header_rows": list(header_rows), "warnings": []}


def test_surveymonkey_names_each_column_of_a_question_spread_over_several(tmp_path):
    table = read_table(write(tmp_path / "sm.csv", surveymonkey()))
    assert list(table.data.columns)[-3:] == [ROLE_QUESTION, f"{ROLE_QUESTION} - Other (please specify)", QUESTION]
    assert table.question_texts[f"{ROLE_QUESTION} - Other (please specify)"] == ROLE_QUESTION
    assert table.data[f"{ROLE_QUESTION} - Other (please specify)"].tolist()[2] == "Flyktningkonsulent"
    assert table.question_texts["Respondent ID"] == "Respondent ID"


def test_qualtrics_import_ids_never_become_answers_or_wording(tmp_path):
    table = read_table(write(tmp_path / "q.csv", qualtrics()))
    cells = [*table.question_texts.values(), *table.data.stack().dropna().tolist()]
    assert not any("ImportId" in cell for cell in cells)
    assert table.question_texts["Duration (in seconds)"] == "Duration (in seconds)"


# --- detection from the data ---------------------------------------------------------------


def test_text_above_dates_and_numbers_is_a_header_row(tmp_path):
    rows = [["lopenr", "dato", "svar"], ["Løpenummer", "Dato for svar", "Svar"],
            ["1", "01.03.2024 kl. 09.12", "Boliger"], ["2", "02.03.2024 kl. 10.01", "Tolk"]]
    table = quiet(read_table, write(tmp_path / "x.csv", rows, ";"))
    assert table.header_rows == (1, 2) and table.question_texts["dato"] == "Dato for svar"


def test_a_plain_export_has_one_header_row_and_no_layout(tmp_path):
    rows = [["id", "Svar"], ["1", "Hvorfor får vi ikke mer hjelp fra IMDi?"], ["2", "Ok"]]
    table = quiet(read_table, write(tmp_path / "x.csv", rows))
    assert (table.header_rows, table.layout, table.source_rows) == ((1,), None, (2, 3))


def test_one_column_alone_makes_a_header_row_with_a_warning_naming_it(tmp_path):
    rows = [["id", "Svar"], ["ID", "Svar på spørsmål 7"], ["1", "Boliger"], ["2", "Tolk"]]
    with pytest.warns(SurveyWarning, match=r"x\.csv, row 2: read as a header row, since 'ID' stands above numbers in "
                                           r"column 'id'.*--header-rows 1"):
        table = read_table(write(tmp_path / "x.csv", rows))
    assert table.header_rows == (1, 2) and table.warnings[0].startswith(f"{tmp_path / 'x.csv'}, row 2:")


def test_an_answer_row_against_most_columns_is_kept_with_a_warning(tmp_path):
    rows = [["id", "nr", "alder", "Svar"], ["ukjent", "x", "40", "Boliger"], ["1", "2", "41", "Tolk"],
            ["2", "3", "42", "Skole"], ["3", "4", "43", "Helse"]]
    with pytest.warns(SurveyWarning, match="row 2: read as answers, though 'ukjent' stands above numbers"):
        table = read_table(write(tmp_path / "x.csv", rows))
    assert table.header_rows == (1,) and table.source_rows == (2, 3, 4, 5)


@pytest.mark.parametrize("given", [1, 2, 3])
def test_header_rows_can_be_given(tmp_path, given):
    path = write(tmp_path / "q.csv", qualtrics())
    table = quiet(read_table, path, header_rows=given)
    assert table.header_rows == tuple(range(1, given + 1))
    assert table.layout == ("Qualtrics" if given == 3 else None)
    assert len(table.data) == 6 - given


def test_header_rows_in_the_mapping_file(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("text: Q2_TEXT\nheader_rows: 3\n", encoding="utf-8")
    assert load_mapping(path).header_rows == 3
    path.write_text("text: Q2_TEXT\nheader_rows: to\n", encoding="utf-8")
    with pytest.raises(InputError, match="'header_rows' must be a whole number"):
        load_mapping(path)


def test_header_rows_for_a_statistics_file_is_refused(tmp_path):
    path = tmp_path / "svar.sav"
    pyreadstat.write_sav(pd.DataFrame({"svar": ["a"]}), str(path))
    with pytest.raises(InputError, match="has none"):
        read_table(path, header_rows=2)


# --- SPSS and Stata ------------------------------------------------------------------------

SPSS_1582 = datetime.datetime(1582, 10, 14)


def test_spss_date_out_of_range_imports_the_text_with_a_warning(tmp_path):
    """The issue's file: a valid .sav with a date variable no library can hold, and fine open text."""
    good = (datetime.datetime(2021, 3, 1) - SPSS_1582).total_seconds()
    frame = pd.DataFrame({"id": [1.0, 2.0, 3.0], "utfylt": [good, 9.9e15, good],
                          "tidspunkt": [good + 3600, good, 1e17], "svar": ["Bolig i Tromsø", "Tolk", "Skole"]})
    path = tmp_path / "svar.sav"
    pyreadstat.write_sav(frame, str(path), column_labels={"svar": QUESTION},
                         variable_format={"utfylt": "DATE11", "tidspunkt": "DATETIME20"})
    with pytest.warns(SurveyWarning) as caught:
        answers = load_answers(path, SurveyMapping(text="svar", id="id"))
    assert answers["text"].tolist() == ["Bolig i Tromsø", "Tolk", "Skole"]
    assert answers["question_text"].unique().tolist() == [QUESTION]
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2
    assert messages[0].startswith(f"{path}, row 2, column 'utfylt': 1 date(s)")
    assert messages[1].startswith(f"{path}, row 3, column 'tidspunkt':")
    with pytest.warns(SurveyWarning):
        table = read_table(path)
    assert table.data["utfylt"].tolist() == ["2021-03-01", "9900000000000000", "2021-03-01"]
    assert table.data["tidspunkt"].tolist()[0] == "2021-03-01T01:00:00"
    assert answers.attrs["source"]["warnings"] == messages


def test_spss_portable_file_with_labels(tmp_path):
    """A portable file holds ASCII only (the format predates Unicode), so no æøå here."""
    path = tmp_path / "svar.por"
    frame = pd.DataFrame({"ID": [301.0, 4601.0], "SVAR": ["Boliger", "Samarbeid med NAV"]})
    pyreadstat.write_por(frame, str(path), column_labels={"SVAR": "Hva er utfordringene?"})
    answers = quiet(load_answers, path, SurveyMapping(text="SVAR", id="ID"))
    assert answers["id"].tolist() == ["301", "4601"]
    assert answers["text"].tolist() == ["Boliger", "Samarbeid med NAV"]
    assert answers["question_text"].tolist() == ["Hva er utfordringene?"] * 2
    assert read_table(path).format == "por"


def test_stata_file_with_value_labels_and_a_date_out_of_range(tmp_path):
    path = tmp_path / "svar.dta"
    frame = pd.DataFrame({"id": [1, 2], "rolle": [1, 2], "dato": [22340.0, 1e12], "svar": ["Bolig i Bodø", "Tolk"]})
    pyreadstat.write_dta(frame, str(path), column_labels={"svar": QUESTION},
                         variable_value_labels={"rolle": {1: "Kommunedirektør", 2: "Integreringsansvarlig"}},
                         variable_format={"dato": "%td"})
    with pytest.warns(SurveyWarning, match=r"row 2, column 'dato'"):
        answers = load_answers(path, SurveyMapping(text="svar", id="id", role="rolle"))
    assert answers["role"].tolist() == ["Kommunedirektør", "Integreringsansvarlig"]
    assert answers["text"].tolist() == ["Bolig i Bodø", "Tolk"]
    assert answers["question_text"].tolist() == [QUESTION] * 2
    with pytest.warns(SurveyWarning):
        assert read_table(path).data["dato"].tolist()[0] == "2021-03-01"


# --- the command line ----------------------------------------------------------------------


def test_run_on_a_qualtrics_export_counts_no_header_row(tmp_path, cache_file):
    """End to end: the two extra Qualtrics rows are neither respondents nor themes, and the run
    says which rows it read as headers and which layout it saw."""
    rows = [list(column) for column in zip(*QUALTRICS_META)]
    rows += [[f"2024-03-01 09:{n:02d}:00", f"2024-03-01 09:{n + 5:02d}:00", "IP Address", "100", "300", "True",
              f"R_{n:02d}xYz", "NO", "Kommunedirektør" if n % 2 else "Integreringsansvarlig", text]
             for n, text in enumerate(ANSWERS)]
    survey = write(tmp_path / "qualtrics.csv", rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(survey), "--text", "Q2_TEXT", "--id", "ResponseId", "--role", "Q1",
                                      "--embedder", "tfidf", "--out", str(out), "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    assert "Read rows 1-3 as headers; Qualtrics layout" in result.stderr
    assert "Warning" not in result.stderr
    assignments = pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False)
    assert sorted(assignments["id"]) == sorted(f"R_{n:02d}xYz" for n in range(len(ANSWERS)))
    assert assignments["question_text"].unique().tolist() == [QUESTION]
    themes = pd.read_csv(out / "themes.csv", dtype=str)
    assert not themes["label"].str.contains("ImportId|Response ID", regex=True).any()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["layout"] == "Qualtrics" and manifest["input"]["header_rows"] == [1, 2, 3]
    counts = manifest["counts"]
    assert counts["answered"] + counts["non_answers"] + counts["blank"] == len(ANSWERS)


def test_run_with_header_rows_given_and_a_warning_on_stderr(tmp_path, cache_file):
    rows = [["id", "Svar"], ["ID", "Svar på spørsmål 7"]] + [[str(n), text] for n, text in enumerate(ANSWERS)]
    survey = write(tmp_path / "svar.csv", rows, ";")
    detected = CliRunner().invoke(app, ["run", str(survey), "--text", "Svar", "--id", "id", "--embedder", "tfidf",
                                        "--out", str(tmp_path / "a"), "--cache", str(cache_file)])
    assert detected.exit_code == 0, detected.output
    assert re.search(r"Warning: .*svar\.csv, row 2: read as a header row", detected.stderr)
    given = CliRunner().invoke(app, ["run", str(survey), "--text", "Svar", "--header-rows", "1",
                                     "--embedder", "tfidf", "--out", str(tmp_path / "b"), "--cache", str(cache_file)])
    assert given.exit_code == 0, given.output
    assert "Read row 1 as header; no known layout" in given.stderr and "Warning" not in given.stderr
    assignments = pd.read_csv(tmp_path / "b" / "assignments.csv", dtype=str, keep_default_na=False)
    assert assignments["source_row"].tolist()[:1] == ["2"]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["header_rows"] == [1, 2] and "row 2" in manifest["input"]["warnings"][0]


def test_import_of_a_surveymonkey_export_with_its_respondent_ids(tmp_path):
    """The issue's failure: with --id, SurveyMonkey's second row stopped the import ("respondent id is empty")."""
    survey = write(tmp_path / "surveymonkey.csv", surveymonkey())
    result = CliRunner().invoke(app, ["import", str(survey), "--text", QUESTION, "--id", "Respondent ID",
                                      "--role", ROLE_QUESTION, "--db", str(tmp_path / "prosjekt")])
    assert result.exit_code == 0, result.output
    assert "added 3 answers" in result.stdout and "Warning" not in result.stderr
