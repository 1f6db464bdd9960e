"""Every command and option of the CLI is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from fritekst.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMAND = typer.main.get_command(app)


@pytest.mark.parametrize("name", sorted(COMMAND.commands))
def test_command_is_documented(name):
    assert f"fritekst {name}" in README


@pytest.mark.parametrize(
    "option",
    sorted({opt for cmd in COMMAND.commands.values() for param in cmd.params for opt in param.opts if opt.startswith("--")}),
)
def test_option_is_documented(option):
    assert f"`{option}" in README or f" {option}" in README, option
