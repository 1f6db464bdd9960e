"""A real `fritekst run` of the example survey with the IMDi codebook, for the quote and report tests."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from fritekst.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
CODEBOOK = ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"


def run_example(out: Path, cache_file: Path) -> Path:
    """Run the example survey (two waves, three roles, the bundled e5 model) into ``out``."""
    result = CliRunner().invoke(app, ["run", str(EXAMPLE), "--config", str(ROOT / "examples" / "demo.yaml"),
                                      "--codebook", str(CODEBOOK), "--out", str(out), "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    return out
