"""`fritekst import`, `run --db` and `export` end to end on a SQLite store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fritekst.cli import app

pytestmark = pytest.mark.slow  # runs the CLI on the example survey

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
MAPPING = ROOT / "examples" / "demo.yaml"
CODEBOOK = ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_import_run_and_export_through_the_store(tmp_path):
    db = tmp_path / "prosjekt"
    db.mkdir()
    first = invoke("import", SURVEY, "--config", MAPPING, "--db", db)
    assert first.exit_code == 0 and "added 534 answers" in first.stdout, first.output
    again = invoke("import", SURVEY, "--config", MAPPING, "--db", db)
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    ran = invoke("run", SURVEY, "--config", MAPPING, "--embedder", "tfidf", "--no-cache", "--codebook", CODEBOOK,
                 "--db", db, "--out", tmp_path / "direkte")
    assert ran.exit_code == 0 and "run 1" in ran.stderr, ran.output
    assert (db / "fritekst.db").is_file()
    exported = invoke("export", "--db", db, "--out", tmp_path / "eksport")
    assert exported.exit_code == 0, exported.output
    for name in ("assignments.csv", "themes.csv"):
        assert (tmp_path / "eksport" / name).read_bytes() == (tmp_path / "direkte" / name).read_bytes()
    table = pd.read_csv(tmp_path / "eksport" / "assignments.csv", dtype=str, keep_default_na=False)
    assert set(table["question"]) == {"q12_bistand", "q17_barrierer", "q23_samarbeid"}
    report = invoke("report", db, "--question", "q17_barrierer", "--out", tmp_path / "rapport.md")
    assert report.exit_code == 0, report.output
    assert "q17_barrierer" in (tmp_path / "rapport.md").read_text(encoding="utf-8")


def test_a_nul_byte_deep_in_a_csv_is_one_line_and_imports_nothing(tmp_path):
    rows = "".join(f"{i:04d};Mangel på boliger og tolker.\r\n" for i in range(3000))  # past the first 64 KiB
    survey = tmp_path / "svar.csv"
    survey.write_bytes(f"kommunenr;svar\r\n{rows}3000;Hemmelig\x00 svar\r\n".encode())
    db = tmp_path / "prosjekt.db"
    result = invoke("import", survey, "--text", "svar", "--id", "kommunenr", "--db", db)
    assert result.exit_code == 2 and result.stdout == "", result.output
    assert result.stderr.startswith(f"Error: {survey}, row 3002, column 'svar': ") and result.stderr.count("\n") == 1
    assert "NUL" in result.stderr and "Hemmelig" not in result.stderr
    from fritekst.store import open_store

    with open_store(db) as store:
        assert store.answers().empty and store.audit_log().empty


def test_import_reads_at_most_max_rows(tmp_path):
    db = tmp_path / "prosjekt.db"
    refused = invoke("import", SURVEY, "--config", MAPPING, "--db", db, "--max-rows", "100")
    assert refused.exit_code == 2 and "more than 100 rows" in refused.stderr, refused.output
    assert invoke("import", SURVEY, "--config", MAPPING, "--db", db, "--max-rows", "1000").exit_code == 0


def test_run_needs_somewhere_to_write_and_a_bad_store_is_one_line(tmp_path):
    nowhere = invoke("run", SURVEY, "--config", MAPPING, "--embedder", "tfidf", "--no-cache")
    assert nowhere.exit_code == 2 and "--out DIR, --db STORE" in nowhere.stderr
    not_a_db = tmp_path / "ikke.db"
    not_a_db.write_text("dette er ingen database", encoding="utf-8")
    bad = invoke("export", "--db", not_a_db, "--out", tmp_path / "ut")
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: ") and "cannot open the store" in bad.stderr
    assert not (tmp_path / "ut").exists()
