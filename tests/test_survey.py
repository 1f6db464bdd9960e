"""Reading survey exports: every format and encoding round trip, and every bad input's message."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from fritekst.errors import InputError
from fritekst.survey import SurveyMapping, SurveyWarning, is_questback_row, load_answers, load_mapping, read_table

HEADER = ["Kommunenr", "Kommune", "Rolle", "Utfordringer"]
ANSWER = 'Mangel på boliger; "egnede" leiligheter,\tsærlig i Øst\nog få tolker å få tak i'
ROWS = [
    ["0301", "Oslo", "Kommunedirektør", ANSWER],
    ["4601", "Bergen", "Integreringsansvarlig", "Samarbeid med NAV og frivillig sektor"],
    ["1506", "Ålesund", "", ""],
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom", "cp1252", "latin-1"]
DETECTED = {"utf-16-le-bom": "utf-16-le", "utf-16-be-bom": "utf-16-be", "latin-1": "cp1252"}


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


def csv_text(rows: list[list[str]], delimiter: str = ";") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)  # Excel's CRLF rows, LF inside cells
    return buffer.getvalue()


def write_csv(path, rows, delimiter=";", encoding="utf-8"):
    path.write_bytes(encode(csv_text(rows, delimiter), encoding))
    return path


def write_xlsx(path, rows, sheet="Ark1"):
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def error_of(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_csv_round_trip(tmp_path, encoding, delimiter):
    path = write_csv(tmp_path / "svar.csv", [HEADER, *ROWS], delimiter, encoding)
    table = read_table(path)
    assert table.encoding == DETECTED.get(encoding, encoding)
    assert table.delimiter == delimiter
    assert list(table.data.columns) == HEADER
    assert table.data["Utfordringer"][0] == ANSWER
    assert list(table.data["Kommune"]) == ["Oslo", "Bergen", "Ålesund"]
    assert list(table.data["Kommunenr"]) == ["0301", "4601", "1506"]
    assert table.data["Rolle"].isna().tolist() == [False, False, True]
    assert table.source_rows == (2, 3, 4)


def test_semicolon_file_with_unquoted_commas_in_answers(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("id;Svar\r\n1;Boliger, skoler og tolk\r\n2;NAV, frivillige\r\n".encode("cp1252"))
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.data["Svar"].tolist() == ["Boliger, skoler og tolk", "NAV, frivillige"]


def test_source_rows_count_blank_lines_but_not_newlines_in_cells(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text('id;Svar\n1;"to\nlinjer"\n\n2;neste\n', encoding="utf-8")
    assert read_table(path).source_rows == (2, 4)


def test_single_column_file(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["Svar"], ["Hei, hei"], ["Mer tekst"]], ",")
    assert read_table(path).data["Svar"].tolist() == ["Hei, hei", "Mer tekst"]


def test_xlsx_cells_as_text(tmp_path):
    path = write_xlsx(
        tmp_path / "svar.xlsx",
        [
            ["Kommunenr", "Innbyggere", "Andel", "Dato", "Svar"],
            ["0301", 301.0, 0.25, datetime.datetime(2021, 3, 1), "Bærum og Ås"],
        ],
    )
    table = read_table(path)
    assert table.format == "xlsx" and table.sheet == "Ark1"
    assert table.data.iloc[0].tolist() == ["0301", "301", "0.25", "2021-03-01", "Bærum og Ås"]
    assert table.question_texts == {name: name for name in table.data.columns}


def test_xlsx_named_sheet_skips_blank_rows_and_keeps_row_numbers(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["annet"])
    sheet = book.create_sheet("Svar")
    sheet["A2"], sheet["B2"] = "id", "Svar"
    sheet["A3"], sheet["B3"] = 1, "første"
    sheet["A5"], sheet["B5"] = 2, "andre"
    book.save(tmp_path / "svar.xlsx")
    table = read_table(tmp_path / "svar.xlsx", sheet="Svar")
    assert table.data["Svar"].tolist() == ["første", "andre"]
    assert table.source_rows == (3, 5)


QUESTBACK = [
    ["RespondentID", "Kommune", "Rolle", "Q7_utfordringer"],
    [
        "Respondent-ID",
        "Hvilken kommune svarer du for?",
        "Hva er din rolle?",
        "Hva er de største utfordringene i bosettingsarbeidet?",
    ],
    ["101", "Oslo", "Rådmann", "Boliger"],
    ["102", "Bergen", "Integreringsansvarlig", ""],
]


def test_xlsx_questback_second_row_is_question_text(tmp_path):
    table = read_table(write_xlsx(tmp_path / "qb.xlsx", QUESTBACK))
    assert (table.header_rows, table.layout, table.warnings) == ((1, 2), "Questback", ())
    assert table.question_texts["Q7_utfordringer"] == "Hva er de største utfordringene i bosettingsarbeidet?"
    assert table.data["RespondentID"].tolist() == ["101", "102"]
    assert table.source_rows == (3, 4)


def test_questback_detection_can_be_overridden(tmp_path):
    table = read_table(write_xlsx(tmp_path / "qb.xlsx", QUESTBACK), header_rows=1)
    assert (table.header_rows, table.layout) == ((1,), None)
    assert table.source_rows == (2, 3, 4)


def test_questback_row_in_csv_with_an_unlabelled_column(tmp_path):
    """Nothing under the row speaks for it (its id cell is empty): it is read by its looks, and a warning says so."""
    rows = [
        ["id", "Kommune", "Q7"],
        ["", "Hvilken kommune svarer du for?", "Hva er de største utfordringene?"],
        ["101", "Tromsø", "Boliger"],
    ]
    with pytest.warns(SurveyWarning, match=r"qb.csv, row 2: read as question texts.*--header-rows 1"):
        table = read_table(write_csv(tmp_path / "qb.csv", rows, ";", "cp1252"))
    assert table.header_rows == (1, 2)
    assert table.question_texts == {
        "id": "id",
        "Kommune": "Hvilken kommune svarer du for?",
        "Q7": "Hva er de største utfordringene?",
    }
    assert table.data["Kommune"].tolist() == ["Tromsø"]


def test_questback_row_can_be_forced(tmp_path):
    rows = [["id", "Svar"], ["ID", "Svar på spørsmål 7"], ["1", "a"]]
    table = read_table(write_csv(tmp_path / "svar.csv", rows), header_rows=2)
    assert table.question_texts == {"id": "ID", "Svar": "Svar på spørsmål 7"}
    assert table.source_rows == (3,)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["Respondent-ID", "Hvilken kommune?", "Hva er de største utfordringene i bosettingen?"], True),
        (["0301", "Hvilken kommune?", "Hva er de største utfordringene i bosettingen?"], False),
        (["Oslo", "Rådmann", "Vi trenger boliger?"], False),
        (["Tromsø", "Vi trenger flere boliger og tolker", "Mer hjelp fra IMDi med bosetting"], False),
    ],
    ids=["labels", "numeric-id", "short-answers", "no-question-mark"],
)
def test_is_questback_row(cells, expected):
    assert is_questback_row(["id", "Kommune", "Svar"], cells) is expected


def test_data_row_is_not_taken_for_questback_row(tmp_path):
    rows = [["id", "Svar"], ["1", "Hvorfor får vi ikke mer hjelp fra IMDi med bosettingen?"], ["2", "Ok"]]
    table = read_table(write_csv(tmp_path / "svar.csv", rows))
    assert table.header_rows == (1,)
    assert table.source_rows == (2, 3)


def test_sav_value_and_variable_labels(tmp_path):
    frame = pd.DataFrame(
        {
            "kommunenr": ["0301", "4601"],
            "rolle": [1.0, 2.0],
            "n": [301.0, 12.5],
            "svar": ["Boliger i Tromsø", ""],
        }
    )
    path = tmp_path / "svar.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"svar": "Hva er de største utfordringene?", "rolle": "Rolle"},
        variable_value_labels={"rolle": {1.0: "Kommunedirektør", 2.0: "Integreringsansvarlig"}},
    )
    table = read_table(path)
    assert table.format == "sav"
    assert table.data["rolle"].tolist() == ["Kommunedirektør", "Integreringsansvarlig"]
    assert table.data["kommunenr"].tolist() == ["0301", "4601"]
    assert table.data["n"].tolist() == ["301", "12.5"]
    assert table.data["svar"].tolist()[0] == "Boliger i Tromsø" and pd.isna(table.data["svar"][1])
    assert table.question_texts == {
        "kommunenr": "kommunenr",
        "rolle": "Rolle",
        "n": "n",
        "svar": "Hva er de største utfordringene?",
    }
    assert table.source_rows == (1, 2)


# --- load_answers --------------------------------------------------------------------------


def test_load_answers_long_table(tmp_path):
    rows = [
        ["id", "Rolle", "Kommune", "Storleik", "Q1", "Q2"],
        ["0301", "Rådmann ", "Oslo", ">20 000", "Boliger", ""],
        ["1506", "", "Ålesund", "<5 000", "  ", "Tolk"],
    ]
    mapping = SurveyMapping(
        text=("Q2", "Q1"), id="id", role="Rolle", attrs=("Kommune", "Storleik"), wave="2021"
    )
    answers = load_answers(write_csv(tmp_path / "svar.csv", rows), mapping)
    assert list(answers.columns) == [
        "id",
        "question",
        "question_text",
        "text",
        "role",
        "wave",
        "Kommune",
        "Storleik",
        "source_row",
    ]
    assert answers["question"].tolist() == ["Q2", "Q2", "Q1", "Q1"]
    assert answers["id"].tolist() == ["0301", "1506", "0301", "1506"]
    assert answers["text"].tolist() == ["", "Tolk", "Boliger", "  "]
    assert answers["role"].tolist()[:1] == ["Rådmann"] and pd.isna(answers["role"][1])
    assert answers["wave"].tolist() == ["2021"] * 4
    assert answers["Storleik"].tolist() == [">20 000", "<5 000"] * 2
    assert answers["source_row"].tolist() == [2, 3, 2, 3]
    assert answers["source_row"].dtype == "int64" and answers["id"].dtype == "string"


def test_load_answers_defaults(tmp_path):
    answers = load_answers(write_xlsx(tmp_path / "qb.xlsx", QUESTBACK), SurveyMapping(text="Q7_utfordringer"))
    assert answers["id"].tolist() == ["3", "4"]
    assert answers["question_text"].tolist() == ["Hva er de største utfordringene i bosettingsarbeidet?"] * 2
    assert answers["text"].tolist() == ["Boliger", ""]
    assert answers["role"].isna().all() and answers["wave"].isna().all()


def test_wave_from_column(tmp_path):
    rows = [["id", "Bolge", "Svar"], ["1", "2019", "a"], ["2", "2021", "b"]]
    answers = load_answers(
        write_csv(tmp_path / "svar.csv", rows), SurveyMapping(text=("Svar",), wave="Bolge")
    )
    assert answers["wave"].tolist() == ["2019", "2021"]


def test_load_answers_from_sav_with_numeric_ids(tmp_path):
    path = tmp_path / "svar.sav"
    pyreadstat.write_sav(pd.DataFrame({"id": [301.0, 4601.0], "svar": ["æøå", "ÆØÅ"]}), str(path))
    answers = load_answers(path, SurveyMapping(text=("svar",), id="id"))
    assert answers["id"].tolist() == ["301", "4601"]
    assert answers["text"].tolist() == ["æøå", "ÆØÅ"]


# --- load_mapping --------------------------------------------------------------------------


def test_load_mapping_yaml(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "text: Utfordringer\nid: Kommunenr\nattrs: [Kommune, Sentralitet]\nwave: 2021\n", encoding="utf-8"
    )
    assert load_mapping(path) == SurveyMapping(
        text=("Utfordringer",), id="Kommunenr", attrs=("Kommune", "Sentralitet"), wave="2021"
    )


def test_load_mapping_toml(tmp_path):
    path = tmp_path / "mapping.toml"
    path.write_text(
        'text = ["Q1", "Q2"]\nrole = "Rolle"\nsheet = "Svar"\nattrs = "Kommune"\nmax_rows = 2000000\n', encoding="utf-8"
    )
    assert load_mapping(path) == SurveyMapping(
        text=("Q1", "Q2"), role="Rolle", sheet="Svar", attrs=("Kommune",), max_rows=2_000_000
    )


@pytest.mark.parametrize(
    ("name", "source", "words"),
    [
        ("m.yaml", "text: Svar\nattr: Kommune\n", ["unknown key 'attr'", "did you mean 'attrs'?"]),
        ("m.yaml", "id: Kommunenr\n", ["missing key 'text'"]),
        ("m.yaml", "text: Svar\nrole: [a, b]\n", ["key 'role'"]),
        ("m.yaml", "text: [Svar\n", ["line 2", "not valid YAML"]),
        ("m.yaml", "", ["empty"]),
        ("m.toml", "text = \n", ["not valid TOML", "line 1"]),
        ("m.json", "{}", [".json"]),
        ("m.yaml", "text: Svar\nmax_rows: 0\n", ["key 'max_rows' must be a whole number of at least 1"]),
        ("m.yaml", "text: Svar\nmax_rows: mange\n", ["key 'max_rows'"]),
    ],
)
def test_load_mapping_errors(tmp_path, name, source, words):
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    message = str(error_of(load_mapping, path))
    assert message.startswith(str(path))
    for word in words:
        assert word in message


def test_load_mapping_missing_file(tmp_path):
    assert "not found" in str(error_of(load_mapping, tmp_path / "nei.yaml"))


# --- bad input -----------------------------------------------------------------------------


def test_empty_file(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(b"")
    error = error_of(read_table, path)
    assert error.file == str(path) and "empty (0 bytes)" in str(error)


def test_blank_file(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(b"\r\n\r\n")
    assert "no header row" in str(error_of(read_table, path))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_header_only(tmp_path, suffix):
    path = tmp_path / f"svar{suffix}"
    write_csv(path, [HEADER]) if suffix == ".csv" else write_xlsx(path, [HEADER])
    error = error_of(read_table, path)
    assert error.file == str(path) and "no data rows" in str(error)


def test_questback_header_without_answers(tmp_path):
    with pytest.warns(SurveyWarning, match="row 2: read as question texts"):
        error = error_of(read_table, write_xlsx(tmp_path / "qb.xlsx", QUESTBACK[:2]))
    assert "rows 1-2 were read as header rows, and there are no answers" in str(error)
    assert "--header-rows 1" in str(error)


def test_unknown_column_suggests_closest(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [HEADER, *ROWS])
    error = error_of(load_answers, path, SurveyMapping(text=("Utfordringer",), attrs=("Kommne",)))
    assert str(error) == f"{path}: no column 'Kommne' (given as attrs); did you mean 'Kommune'?"


def test_unknown_column_lists_columns_when_nothing_is_close(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [HEADER, *ROWS])
    error = error_of(load_answers, path, SurveyMapping(text=("XYZ",)))
    assert "no column 'XYZ' (given as text); the columns are 'Kommunenr', 'Kommune'" in str(error)


def test_undecodable_bytes_name_row_and_column(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(b"id;Kommune;Svar\r\n1;Oslo;ok\r\n2;B\x81rum;ok\r\n")  # 0x81 is undefined in cp1252
    error = error_of(read_table, path)
    assert (error.file, error.row, error.column) == (str(path), 3, "Kommune")
    assert "0x81" in str(error) and "CSV UTF-8" in str(error)


def test_mixed_utf8_and_cp1252_is_refused_not_garbled(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes('id;Svar\n1;Bærum\n2;"to\nlinjer"\n3;'.encode() + "Ås".encode("cp1252") + b"\n")
    error = error_of(read_table, path)
    assert (error.row, error.column) == (4, "Svar")
    assert "0xC5" in str(error) and "rest of the file is UTF-8" in str(error)


def test_bad_bytes_after_utf8_bom(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"id,Svar\n1,\xe6\n")
    error = error_of(read_table, path)
    assert (error.row, error.column) == (2, "Svar") and "byte-order mark" in str(error)


def test_duplicate_ids_name_both_rows(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["id", "Svar"], ["0301", "a"], ["1506", "b"], [" 0301", "c"]])
    error = error_of(load_answers, path, SurveyMapping(text=("Svar",), id="id"))
    assert (error.file, error.row, error.column) == (str(path), 4, "id")
    assert "'0301' is used in both row 2 and row 4" in str(error)


def test_empty_id(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["id", "Svar"], ["1", "a"], ["", "b"]])
    error = error_of(load_answers, path, SurveyMapping(text=("Svar",), id="id"))
    assert (error.row, error.column) == (3, "id") and "id is empty" in str(error)


def test_cell_over_limit(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["id", "Svar"], ["1", "kort"], ["2", "x" * 200_000]])
    error = error_of(read_table, path)
    assert (error.file, error.row, error.column) == (str(path), 3, "Svar")
    assert "200,000 characters" in str(error) and "100,000" in str(error)
    assert read_table(path, max_cell_chars=300_000).data["Svar"].str.len().tolist() == [4, 200_000]


def test_unclosed_quote_names_the_row_it_opens_in(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text('id;Svar\n1;ok\n2;"ikke lukket\n' + "3;mer\n" * 50, encoding="utf-8")
    error = error_of(read_table, path)
    assert (error.file, error.row) == (str(path), 3) and "never closed" in str(error)


def test_stray_quote_inside_a_cell_is_read_leniently(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text('id;Svar\n1;"15" skjerm\n2;ok\n', encoding="utf-8")
    assert read_table(path).data["Svar"].tolist() == ["15 skjerm", "ok"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10abc", "control characters"),
        (b"$FL2@(#) IBM SPSS STATISTICS", "rename it to .sav"),
        (b"%PDF-1.7\n", "PDF"),
    ],
)
def test_binary_file_renamed_csv(tmp_path, content, words):
    path = tmp_path / "svar.csv"
    path.write_bytes(content)
    error = error_of(read_table, path)
    assert error.file == str(path) and words in str(error)


def test_workbook_renamed_csv(tmp_path):
    path = write_xlsx(tmp_path / "svar.xlsx", [HEADER, *ROWS])
    renamed = path.rename(tmp_path / "svar.csv")
    assert "rename it to .xlsx" in str(error_of(read_table, renamed))


def test_missing_file(tmp_path):
    error = error_of(read_table, tmp_path / "finnes_ikke.csv")
    assert error.file == str(tmp_path / "finnes_ikke.csv") and "not found" in str(error)


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "svar.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    error = error_of(read_table, path)
    assert error.file == str(path) and "save it again as .xlsx" in str(error)


def test_xlsx_with_damaged_sheet(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, *ROWS])
    path = tmp_path / "svar.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:200] if item.filename.endswith("sheet1.xml") else data)
    error = error_of(read_table, path)
    assert error.file == str(path) and "save it again as .xlsx" in str(error)


def declare_size(path, member: str, size: int) -> None:
    """Rewrite the uncompressed size the zip's central directory declares for ``member``; the data
    stays as it is (a zip bomb declares its true, huge size; a reader must look before unpacking)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + name_length] == member.encode():
            data[at + 24:at + 28] = size.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 46)
    raise AssertionError(f"no {member} in {path}")


def test_an_xlsx_that_unpacks_to_over_1_gb_is_refused_before_it_is_read(tmp_path):
    path = write_xlsx(tmp_path / "svar.xlsx", [HEADER, *ROWS])
    assert read_table(path).data.shape == (3, 4)
    declare_size(path, "xl/worksheets/sheet1.xml", 4_000_000_000)
    assert path.stat().st_size < 10_000
    with zipfile.ZipFile(path) as archive:  # a zip reader takes the declared size as it is
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 4_000_000_000
    error = error_of(read_table, path)
    assert error.file == str(path) and error.row is None
    assert "unpacks to 4.0 GB, over the limit of 1 GB" in str(error)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rows_past_max_rows_are_refused_and_the_limit_can_be_raised(tmp_path, suffix):
    rows = [HEADER, *ROWS, *ROWS]  # 7 rows in the file
    path = write_csv(tmp_path / "svar.csv", rows) if suffix == ".csv" else write_xlsx(tmp_path / "svar.xlsx", rows)
    error = error_of(read_table, path, max_rows=6)
    assert (error.file, error.row) == (str(path), 7)
    assert "more than 6 rows" in str(error) and "--max-rows" in str(error)
    assert len(read_table(path, max_rows=7).data) == 6
    mapping = SurveyMapping(text=("Utfordringer",), max_rows=6)
    assert "more than 6 rows" in str(error_of(load_answers, path, mapping))
    assert len(load_answers(path, SurveyMapping(text=("Utfordringer",), max_rows=7))) == 6


def rewrite_sheet(path, old: str, new: str) -> None:
    """Replace text in the first sheet's XML, as another program would have written it."""
    with zipfile.ZipFile(path) as source:
        members = {item: source.read(item) for item in source.infolist()}
    with zipfile.ZipFile(path, "w") as target:
        for item, data in members.items():
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            target.writestr(item, data)


def test_a_formula_no_program_ever_calculated_is_refused_not_read_as_blank(tmp_path):
    """openpyxl, pandas and other scripts write formulas without their values; read with the
    stored values only, such a cell would come back empty: an answer silently lost."""
    path = tmp_path / "svar.xlsx"
    write_xlsx(path, [HEADER, ROWS[0], ["4601", "Bergen", "Skolesjef", '=B3&" mangler tolker"'], ROWS[2]])
    error = error_of(read_table, path)
    assert (error.file, error.row, error.column) == (str(path), 3, "Utfordringer")
    assert "cell D3 holds a formula with no calculated value" in str(error) and "save it" in str(error)
    # calculated by Excel: the value is read, and a formula whose value is "" is a blank cell
    rewrite_sheet(path, '<c r="D3"><f>B3&amp;" mangler tolker"</f><v></v></c>',
                  '<c r="D3" t="str"><f>B3&amp;" mangler tolker"</f><v>Bergen mangler tolker</v></c>')
    assert read_table(path).data["Utfordringer"].tolist() == [ANSWER, "Bergen mangler tolker", pd.NA]
    rewrite_sheet(path, "<v>Bergen mangler tolker</v>", "<v></v>")
    assert read_table(path).data["Utfordringer"].isna().tolist() == [False, True, True]


def test_corrupt_sav(tmp_path):
    path = tmp_path / "svar.sav"
    path.write_bytes(b"$FL2 broken")
    assert "SPSS" in str(error_of(read_table, path))


def test_unknown_sheet(tmp_path):
    path = write_xlsx(tmp_path / "svar.xlsx", [HEADER, *ROWS], sheet="Svar 2021")
    assert "no sheet 'svar 2012'; did you mean 'Svar 2021'?" in str(
        error_of(read_table, path, sheet="svar 2012")
    )


@pytest.mark.parametrize(
    ("name", "words"), [("svar.docx", "unknown file type '.docx'"), ("svar.xls", "save it as .xlsx")]
)
def test_unknown_extension(tmp_path, name, words):
    path = tmp_path / name
    path.write_bytes(b"x")
    assert words in str(error_of(read_table, path))


def test_duplicate_headers(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["id", "Svar", "Kommune", "Svar "], ["1", "a", "Oslo", "b"]])
    error = error_of(read_table, path)
    assert (error.row, error.column) == (1, "Svar") and "columns 2 and 4" in str(error)


def test_value_beyond_the_header(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["id", "Svar"], ["1", "a"], ["2", "b", "c"]])
    error = error_of(read_table, path)
    assert error.row == 3 and "column 3" in str(error)


def test_unnamed_columns(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["id", "", "Svar", ""], ["1", "x", "a", ""], ["2", "", "b"]])
    assert list(read_table(path).data.columns) == ["id", "column_2", "Svar"]


def test_sheet_given_for_csv(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [HEADER, *ROWS])
    assert "has no sheets" in str(error_of(read_table, path, sheet="Ark1"))


def test_attribute_named_like_an_output_column(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["text", "Svar"], ["1", "a"]])
    error = error_of(load_answers, path, SurveyMapping(text=("Svar",), attrs=("text",)))
    assert error.column == "text" and "rename it" in str(error)


def test_text_column_listed_twice(tmp_path):
    path = write_csv(tmp_path / "svar.csv", [["id", "Svar"], ["1", "a"]])
    assert "listed twice" in str(error_of(load_answers, path, SurveyMapping(text=("Svar", "Svar"))))
