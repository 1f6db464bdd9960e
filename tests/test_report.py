"""Reports from a real run of the example survey: the counts equal those computed straight
from assignments.csv, numbers are Norwegian, small groups are flagged, waves are compared,
and the three formats carry the same tables."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from example_run import run_example
from fritekst.cli import app
from fritekst.errors import InputError
from fritekst.privacy import Screen
from fritekst.report import Prevalence, ReportConfig, build_report, format_change, format_number, format_percent, role_forms
from fritekst.report._build import split_columns
from fritekst.report._tables import group_order, role_order
from fritekst.results import attribute_columns, load_run
from fritekst.quotes import QuoteConfig, cached_embed

NBSP = "\u00a0"
QUESTION = "q17_barrierer"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, cache_file):
    return run_example(tmp_path_factory.mktemp("report") / "run", cache_file)


@pytest.fixture(scope="module")
def reports(run_dir, cache_file, tmp_path_factory):
    """The q17 report for 2025 in all three formats, written by one CLI call (``--out`` thrice)."""
    folder = tmp_path_factory.mktemp("reports")
    paths = {suffix: folder / f"rapport{suffix}" for suffix in (".md", ".xlsx", ".docx")}
    outs = [arg for path in paths.values() for arg in ("--out", str(path))]
    result = CliRunner().invoke(app, ["report", str(run_dir), "--question", QUESTION, *outs, "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    return paths


def direct_counts(run_dir, wave: str = "2025") -> tuple[pd.Series, pd.Series, int]:
    """Respondents per category and per role, and who answered, computed from the CSV alone."""
    table = pd.read_csv(run_dir / "assignments.csv", dtype=str, keep_default_na=False)
    rows = table[(table["question"] == QUESTION) & (table["wave"] == wave) & (table["non_answer"] == "False")]
    per_answer = rows.assign(code=rows["codes"].str.split(";")).explode("code")
    per_answer = per_answer[(per_answer["code"] != "") & (per_answer["code"] != "ikke_svar")]
    return per_answer.groupby("code")["id"].nunique(), rows.groupby("role")["id"].nunique(), rows["id"].nunique()


def test_counts_in_every_format_equal_counts_from_assignments_csv(run_dir, reports):
    by_category, by_role, answered = direct_counts(run_dir)
    run = load_run(run_dir)
    labels = {c.id: c.label for c in run.codebook.categories}
    sheet = load_workbook(reports[".xlsx"])["Kategorier"]
    header = [c.value for c in sheet[2]]
    xlsx = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] and row[2] is not None}
    markdown = reports[".md"].read_text(encoding="utf-8")
    docx_rows = {r.cells[0].text: [c.text for c in r.cells] for r in Document(str(reports[".docx"])).tables[0].rows}
    for code, n in by_category.items():
        row = xlsx[labels[code]]
        assert row[header.index("Respondenter")] == n
        assert row[header.index("Andel")] == pytest.approx(n / answered)
        assert f"| {labels[code]} |" in markdown
        assert docx_rows[labels[code]][header.index("Respondenter")] == format_number(n)
    assert sum(1 for label in xlsx if label != "Ikke kodet") == len(by_category)
    who = f"{by_role['Integreringsansvarlig']} integreringsansvarlige og {by_role['Kommunedirektør']} kommunedirektører besvarte spørsmålet."
    assert who in markdown
    assert f"Andel av de {answered} som besvarte spørsmålet" in markdown


def test_coded_units_count_every_code(run_dir):
    run = load_run(run_dir)
    report = build_report(run.assignments, cached_embed("tfidf"), codebook=run.codebook, questions=[QUESTION],
                          config=ReportConfig(wave="all", quotes=QuoteConfig(k=0)))
    table = report.questions[0].categories.frame.set_index("Kategori")
    rows = run.assignments[(run.assignments["question"] == QUESTION) & ~run.assignments["non_answer"]]
    codes = rows["codes"].str.split(";").explode()
    bolig = run.codebook.category("bolig").label
    assert table.at[bolig, "Kodede utsagn"] == (codes == "bolig").sum()


def test_norwegian_number_formatting(reports):
    assert format_number(1234567.891, 1) == f"1{NBSP}234{NBSP}567,9"
    assert format_percent(0.384) == f"38{NBSP}%" and format_percent(0.384, word=True) == "38 prosent"
    assert format_change(8) == "+8" and format_change(-3.25, 1) == "\u22123,2" and format_change(0.2) == "0"
    markdown = reports[".md"].read_text(encoding="utf-8")
    assert f"{NBSP}%" in markdown and "prosentpoeng" in markdown
    assert "\u2212" in markdown or "+" in markdown


def test_small_groups_are_flagged_or_suppressed(run_dir, reports):
    markdown = reports[".md"].read_text(encoding="utf-8")
    # Oslo's districts and a few others make sentralitet 1 a small cell in 2025.
    sentralitet = markdown.split("### Etter sentralitet")[1].split("###")[0]
    assert "1 (N = 4)*" in sentralitet and "færre enn 5 besvarte spørsmålet er merket med *" in sentralitet
    run = load_run(run_dir)
    report = build_report(run.assignments, cached_embed("tfidf"), codebook=run.codebook, questions=[QUESTION],
                          attributes=attribute_columns(run), config=ReportConfig(by=("sentralitet",), suppress_small=True,
                                                                                  quotes=QuoteConfig(k=0)))
    split = report.questions[0].splits[0]
    small = [c for c in split.frame.columns if c.endswith("*")]
    assert small and split.frame[small[0]].isna().all() and "holdt utenfor" in split.notes[0]


def test_an_attribute_with_one_group_among_the_answers_is_not_a_split(run_dir):
    run = load_run(run_dir)
    q12 = run.assignments[(run.assignments["question"] == "q12_bistand") & (run.assignments["wave"] == "2025")]
    answering = q12[~q12["non_answer"]]
    assert set(answering["bosetter_flyktninger"]) == {"Ja"}  # the four "Nei" municipalities did not answer q12 in 2025
    assert "bosetter_flyktninger" not in split_columns(answering, attribute_columns(run), None)
    assert {"storrelse", "landsdel", "sentralitet"} <= set(split_columns(answering, attribute_columns(run), None))
    assert "kommune" not in split_columns(answering, attribute_columns(run), None)


def test_wave_comparison_on_the_examples_two_waves(run_dir, reports):
    counts_2023, _, answered_2023 = direct_counts(run_dir, "2023")
    counts_2025, _, answered_2025 = direct_counts(run_dir, "2025")
    change = (counts_2025["bolig"] / answered_2025 - counts_2023["bolig"] / answered_2023) * 100
    sheet = load_workbook(reports[".xlsx"])["Endring over tid"]
    header = [c.value for c in sheet[2]]
    bolig = next(row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == "Mangel på boliger")
    assert header[-1] == "Endring 2023–2025" and bolig[-1] == pytest.approx(change)
    assert header[1] == f"2023 (N = {answered_2023}) antall" and bolig[1] == counts_2023["bolig"]
    markdown = reports[".md"].read_text(encoding="utf-8")
    assert "### Endring fra 2023 til 2025" in markdown
    assert f"({format_change(change)} prosentpoeng)" in markdown


def test_docx_has_tables_charts_and_quotes(reports):
    document = Document(str(reports[".docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Spørsmål q17_barrierer (2025)" in headings and "Hva svarene handler om" in headings
    assert "Mangel på boliger" in headings and "Etter rolle" in headings
    assert len(document.tables) >= 4 and len(document.inline_shapes) == 2  # by role, by wave
    quotes = [p.text for p in document.paragraphs if p.text.startswith("«")]
    assert len(quotes) >= 10
    assert any(p.text.startswith("— Integreringsansvarlig, 2025 (svar ") for p in document.paragraphs)


def test_xlsx_has_one_sheet_per_table_and_numbers_as_numbers(reports):
    book = load_workbook(reports[".xlsx"])
    assert book.sheetnames[:3] == ["Om rapporten", "Kategorier", "Rolle"]
    assert "Endring over tid" in book.sheetnames and book.sheetnames[-1] == "Sitater"
    share = book["Kategorier"].cell(row=3, column=4)
    assert isinstance(share.value, float) and share.number_format == "0 %"
    quotes = list(book["Sitater"].iter_rows(values_only=True))
    assert {"Svar-id", "Rolle", "Runde", "storrelse", "landsdel", "Brukt før"} <= set(quotes[0])


def test_sub_themes_stand_under_their_broad_theme_with_counts_that_add_up(run_dir, reports):
    """The run splits one of q17's broad themes; the report lists exactly its sub-themes right
    below it, in Word and Excel, each with its answers in 2025, the broad theme with all of them."""
    themes = pd.read_csv(run_dir / "themes.csv", dtype=str, keep_default_na=False)
    themes = themes[themes["question"] == QUESTION]
    table = pd.read_csv(run_dir / "assignments.csv", dtype=str, keep_default_na=False)
    rows = table[(table["question"] == QUESTION) & (table["wave"] == "2025") & (table["non_answer"] == "False")]
    answers = rows.groupby("theme_id")["id"].agg(set)
    expected = []
    for broad, children in themes.groupby("parent_theme", sort=False):
        ids = set().union(*(answers.get(t, set()) for t in children["theme_id"]))
        expected.append((children["parent_label"].iloc[0], "", len(ids)))
        if len(children) > 1:
            expected += [("", child.label, len(answers.get(child.theme_id, set()))) for child in children.itertuples()]
    split = [broad for broad, children in themes.groupby("parent_theme") if len(children) > 1]
    assert len(split) == 1 and len(expected) == themes["parent_theme"].nunique() + (themes["parent_theme"] == split[0]).sum()
    sheet = load_workbook(reports[".xlsx"])["Temaer"]
    assert [c.value for c in sheet[2]] == ["Tema", "Undertema", "Svar", "Andel"]
    xlsx = [(row[0] or "", row[1] or "", row[2]) for row in sheet.iter_rows(min_row=3, max_row=2 + len(expected), values_only=True)]
    assert xlsx == expected
    assert sheet.cell(row=3 + len(expected), column=1).value is None  # nothing more in the table
    answered = rows["id"].nunique()
    assert sheet.cell(row=3, column=4).value == pytest.approx(expected[0][2] / answered)
    # The broad theme's count is its answers: its sub-themes' added up, as every answer here is one segment.
    at = next(i for i, row in enumerate(expected) if row[1] == "" and i + 1 < len(expected) and expected[i + 1][0] == "")
    below = [row for row in expected[at + 1:at + 1 + (themes["parent_theme"] == split[0]).sum()]]
    assert expected[at][2] == sum(n for _, _, n in below) > 0
    grid = next(t for t in Document(str(reports[".docx"])).tables if [c.text for c in t.rows[0].cells][:2] == ["Tema", "Undertema"])
    docx = [tuple(c.text for c in r.cells[:3]) for r in grid.rows[1:]]
    assert docx == [(broad, sub, format_number(n)) for broad, sub, n in expected]


def test_prevalence_words_follow_the_documented_cut_offs():
    words = Prevalence()
    assert [words.word(n, 100) for n in (1, 2, 3, 15, 16, 25, 30, 35, 36, 50, 51, 90)] == [
        "én", "to", "et fåtall", "et fåtall", "noen", "noen", "flere", "flere", "mange", "mange", "majoriteten", "majoriteten"]
    custom = Prevalence(cuts=(0.5,), words=("noen", "de fleste"))
    assert custom.word(60, 100) == "de fleste"
    with pytest.raises(ValueError):
        Prevalence(cuts=(0.5, 0.2), words=("a", "b", "c"))


def test_role_names_and_group_order():
    assert role_forms("Kommunedirektør")[1:] == ("kommunedirektører", "kommunedirektørene")
    assert role_forms("Integreringsansvarlig")[2] == "de integreringsansvarlige"
    assert role_forms("Programrådgiver")[1] == "programrådgivere"
    assert group_order(["Over 20 000", "5 000–20 000", "Under 5 000"]) == ["Under 5 000", "5 000–20 000", "Over 20 000"]
    assert group_order(["10", "2", "1"]) == ["1", "2", "10"]


def test_roles_in_order_given_then_by_respondents():
    answered = pd.Series({"Integreringsansvarlig": 2, "(mangler)": 9, "Skolesjef": 5, "Kommunedirektør": 2})
    assert role_order(answered) == ["Skolesjef", "Integreringsansvarlig", "Kommunedirektør", "(mangler)"]
    assert role_order(answered, ("kommunedirektør ", "Rådmann")) == ["Kommunedirektør", "Skolesjef", "Integreringsansvarlig", "(mangler)"]


def test_a_report_names_the_largest_role_first_everywhere():
    """Three skolesjefer and one of each other role: A–Z would put the skolesjefer last."""
    roles = ["Skolesjef", "Skolesjef", "Skolesjef", "Kommunedirektør", "Integreringsansvarlig"]
    segments = pd.DataFrame({
        "id": [str(i) for i in range(5)], "question": "q", "segment": "0", "role": roles, "wave": "2025",
        "text": ["Vi mangler boliger til familier"] * 5, "non_answer": False, "blank": False,
        "code_id": "bolig", "codes": "bolig", "confidence": 1.0, "coded_by": "kari",
    })
    question = build_report(segments, cached_embed("tfidf"), config=ReportConfig(quotes=QuoteConfig(k=0))).questions[0]
    assert question.who.startswith("3 skolesjefer, 1 integreringsansvarlig og 1 kommunedirektør besvarte")
    assert [c.split(" (")[0] for c in question.by_role.frame.columns[1:]] == ["Skolesjef", "Integreringsansvarlig", "Kommunedirektør"]
    sentence = question.sections[0].roles_sentence
    assert sentence.index("skolesjefene") < sentence.index("de integreringsansvarlige") < sentence.index("kommunedirektørene")


def test_a_role_column_of_names_is_not_printed_and_a_name_in_a_role_is_masked():
    """A role holding a person's name would head a table column and stand beside each quote."""
    def report(roles):
        segments = pd.DataFrame({
            "id": [str(i) for i in range(4)], "question": "q", "segment": "0", "role": roles, "wave": "2025",
            "text": [f"Vi mangler boliger til store familier i sentrum, svar {i}" for i in range(4)], "non_answer": False,
            "blank": False, "code_id": "bolig", "codes": "bolig", "confidence": 1.0, "coded_by": "kari",
        })
        config = ReportConfig(names="list", quotes=QuoteConfig(k=4, min_words=2))
        return build_report(segments, cached_embed("tfidf"), config=config).questions[0]

    names = report(["Kari Nordmann", "Ola Hansen", "Ingrid Haugen", "Skolesjef"])  # mostly names: no roles at all
    assert names.by_role is None and names.who.startswith("4 respondenter")
    assert any("Rollene inneholder personopplysninger (navn)" in note for note in names.notes)
    assert set(names.sections[0].quotes["role"]) == {""}
    one = report(["Skolesjef", "Skolesjef", "Skolesjef", "Rådgiver Kari Nordmann"])
    assert [c.split(" (N")[0] for c in one.by_role.frame.columns[1:]] == ["Skolesjef", "Rådgiver [navn]"]
    assert "Kari" not in one.who and "Kari" not in " ".join(one.sections[0].quotes["role"])


def test_the_surveys_role_order_wins(run_dir):
    """As the IMDi reports: kommunedirektørene first, though the integreringsansvarlige are more."""
    _, by_role, _ = direct_counts(run_dir)
    run = load_run(run_dir)
    config = ReportConfig(quotes=QuoteConfig(k=0), role_order=("Kommunedirektør", "Integreringsansvarlig"))
    question = build_report(run.assignments, cached_embed("tfidf"), codebook=run.codebook, questions=[QUESTION],
                            config=config).questions[0]
    assert by_role["Kommunedirektør"] < by_role["Integreringsansvarlig"]
    assert question.who.startswith(f"{by_role['Kommunedirektør']} kommunedirektører og "
                                   f"{by_role['Integreringsansvarlig']} integreringsansvarlige besvarte")


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "rapport.pdf"], "end the name in .docx, .xlsx or .md"),
    (["--out", "{tmp}/r.md", "--question", "q17"], "no question 'q17'"),
    (["--out", "{tmp}/r.md", "--wave", "2024"], "no wave '2024'"),
    (["--out", "{tmp}/r.md", "--by", "fylke"], "no attribute 'fylke'"),
    (["--out", "{tmp}/r.md", "--mask-style", "svart"], "unknown mask style"),
])
def test_cli_errors_are_one_line(run_dir, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(app, ["report", str(run_dir), *args])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.output


def test_one_call_writes_the_same_quotes_in_every_format_as_one_format_alone(run_dir, reports, cache_file, tmp_path):
    alone = tmp_path / "alene.md"
    result = CliRunner().invoke(app, ["report", str(run_dir), "--question", QUESTION, "--out", str(alone),
                                      "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    assert alone.read_text(encoding="utf-8") == reports[".md"].read_text(encoding="utf-8")
    quoted = re.findall(r"^> «(.*)»$", alone.read_text(encoding="utf-8"), flags=re.MULTILINE)
    sheet = load_workbook(reports[".xlsx"])["Sitater"]
    in_excel = {str(cell.value) for row in sheet.iter_rows(min_row=2) for cell in row}
    assert quoted and set(quoted) <= in_excel


def test_an_existing_output_among_several_refuses_all_before_any_is_written(run_dir, cache_file, tmp_path):
    existing = tmp_path / "rapport.xlsx"
    existing.write_bytes(b"earlier")
    docx = tmp_path / "rapport.docx"
    result = CliRunner().invoke(app, ["report", str(run_dir), "--question", QUESTION, "--out", str(docx),
                                      "--out", str(existing), "--cache", str(cache_file)])
    assert result.exit_code == 2 and "exists already" in result.stderr and str(existing) in result.stderr
    assert not docx.exists() and existing.read_bytes() == b"earlier"
    twice = CliRunner().invoke(app, ["report", str(run_dir), "--out", str(docx), "--out", str(docx)])
    assert twice.exit_code == 2 and "named twice" in twice.stderr and not docx.exists()


def test_mask_places_leaves_no_place_in_the_reports_quotes(run_dir, cache_file, tmp_path):
    def quotes(path: Path) -> list[str]:
        return re.findall(r"^> «(.*)»$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)

    def report(out: Path, *options: str) -> list[str]:  # every question: their quotes name places
        result = CliRunner().invoke(app, ["report", str(run_dir), "--out", str(out), "--cache", str(cache_file), *options])
        assert result.exit_code == 0, result.output
        return quotes(out)

    screen = Screen(names="none", places=True)
    plain = report(tmp_path / "uten.md")
    assert any(m.kinds for m in screen.mask(plain))  # by default a quote names a place (Meråker, Farsund)
    masked = report(tmp_path / "rapport.md", "--mask-places")
    assert len(masked) == len(plain)
    assert not any(m.kinds for m in screen.mask(masked)), masked  # none left (a quote with one may be swapped)


def test_a_table_without_codes_is_refused():
    segments = pd.DataFrame({"id": ["1"], "question": ["q"], "text": ["x"], "non_answer": [False], "blank": [False]})
    with pytest.raises(InputError, match="--codebook"):
        build_report(segments, cached_embed("tfidf"))


def _app_script(run_dir: str) -> None:
    from fritekst.app.streamlit_main import run_from_argv

    run_from_argv(["app", run_dir])


def test_the_app_shows_the_categories_and_their_chart(run_dir):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_app_script, args=(str(run_dir),), default_timeout=60).run()
    assert not at.exception
    assert at.subheader[-1].value == "Kategorier (kodebok), alle runder"
    at.selectbox(key="question").set_value(QUESTION).run()  # the barriers: housing the most named
    assert not at.exception
    assert "Mangel på boliger" in set(at.dataframe[-1].value["Kategori"])
    assert list(at.main)[-1].type == "image", "the chart"


def test_a_deep_tree_from_another_program_is_counted_under_its_second_level():
    """A codebook imported from NVivo may be four levels deep; the report keeps two, so a code on
    the third or fourth level counts under its second-level ancestor, never as a group of its own."""
    from fritekst.codebook import Category, Codebook

    codebook = Codebook(name="dyp", levels=4, categories=(
        Category(id="barrierer", label="Barrierer"),
        Category(id="bolig", label="Mangel på boliger", parent="barrierer"),
        Category(id="leie", label="Leiemarkedet", parent="bolig"),
        Category(id="husleie", label="Høy husleie", parent="leie"),
        Category(id="tolk", label="Tolk", parent="barrierer"),
    ))
    segments = pd.DataFrame({
        "id": ["1", "2", "3"], "question": "q", "segment": "0", "role": "", "wave": "2025",
        "text": ["Husleien er for høy", "Leiemarkedet er tomt", "Vi mangler tolk"], "non_answer": False,
        "blank": False, "code_id": ["husleie", "leie", "tolk"], "codes": ["husleie;bolig", "leie", "tolk"],
        "confidence": 1.0, "coded_by": "kari",
    })
    question = build_report(segments, cached_embed("tfidf"), codebook=codebook,
                            config=ReportConfig(quotes=QuoteConfig(k=0))).questions[0]
    table = question.categories.frame
    counts = dict(zip(table["Kategori"], table["Respondenter"]))
    assert counts == {"Mangel på boliger": 2, "Tolk": 1}


_REPORT_PROCESS = """
import sys
from fritekst.report import report_from_run
report_from_run(sys.argv[1], sys.argv[3:], cache=sys.argv[2], force=True)
print(" ".join(sorted(m for m in ("sklearn", "spacy", "torch") if m in sys.modules)) or "none")
"""


def _content(path: Path) -> object:
    """What a report file says: Markdown's text; each sheet's cells; Word's paragraphs with their
    style, its tables' cells and its pictures' bytes (a .docx zip carries its time of writing)."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    document = Document(str(path))
    return ([(p.style.name, p.text) for p in document.paragraphs],
            [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables],
            [part.blob for part in document.part.package.parts if part.partname.startswith("/word/media/")])


def test_a_second_report_reads_every_finding_from_the_cache_and_says_the_same(run_dir, cache_file, tmp_path):
    """The screen's findings in quotes, in role and attribute values and in theme labels are kept in
    the embedding cache: a second report runs no entity recogniser (spaCy is not even imported,
    nor scikit-learn) and writes the same report, with the names in a role and an attribute masked."""
    import shutil
    import sqlite3
    import subprocess
    import sys

    run = tmp_path / "run"
    shutil.copytree(run_dir, run)
    table = pd.read_csv(run / "assignments.csv", dtype=str, keep_default_na=False)
    answered = table[(table["wave"] == "2025") & (table["role"] == "Integreringsansvarlig") & (table["text"] != "")]
    person = answered["id"].iloc[-1]  # in the tables of the wave the report describes
    table.loc[table["id"] == person, ["role", "landsdel"]] = ["Rådgiver Kari Nordmann", "Kontakt Ola Hansen"]
    table.to_csv(run / "assignments.csv", index=False)
    cache = tmp_path / "embeddings.sqlite"
    with sqlite3.connect(cache_file) as source, sqlite3.connect(cache) as copy:
        source.backup(copy)  # with what the session's -wal holds

    def report(folder: str) -> tuple[str, dict]:
        paths = [tmp_path / folder / f"rapport{suffix}" for suffix in (".md", ".xlsx", ".docx")]
        paths[0].parent.mkdir()
        done = subprocess.run([sys.executable, "-c", _REPORT_PROCESS, str(run), str(cache), *map(str, paths)],
                              check=True, capture_output=True, text=True)
        return done.stdout.split("\n")[-2], {path.suffix: _content(path) for path in paths}

    imported, first = report("første")
    assert "spacy" in imported  # the recogniser ran over what no report had screened
    imported, second = report("andre")
    assert imported == "none"
    assert second == first
    assert "Rådgiver [navn]" in first[".md"] and "Kontakt [navn]" in first[".md"]
    assert "Nordmann" not in first[".md"] and "Hansen" not in first[".md"]
