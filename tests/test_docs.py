"""Every command, sub-command and option of the CLI, and every column a run writes, is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from fritekst.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix: str = "fritekst") -> dict:
    """Commands by the words that call them, sub-apps included ("fritekst codebook diff").

    A Typer sub-app is a group with its own ``.commands`` (Typer vendors click, so test for
    that attribute rather than for ``click.Group``)."""
    found = {}
    for name, command in group.commands.items():
        found[f"{prefix} {name}"] = command
        if hasattr(command, "commands"):
            found.update(_commands(command, f"{prefix} {name}"))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_sub_commands_are_found():
    assert {"fritekst run", "fritekst codebook", "fritekst codebook diff"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_documented(name):
    assert name in README


@pytest.mark.parametrize(
    "option",
    sorted({opt for cmd in COMMANDS.values() for param in cmd.params for opt in param.opts if opt.startswith("--")}),
)
def test_option_is_documented(option):
    assert f"`{option}" in README or f" {option}" in README, option


def test_every_output_column_is_documented(example_run):
    """The output contract names every column a run writes (the survey's attribute columns aside)."""
    from fritekst.results import mapped_attributes

    result, out = example_run
    prose = re.sub(r"```.*?```", "", README, flags=re.S)
    named = {word for span in re.findall(r"`([^`\n]+)`", prose) for word in re.split(r"[\s,;()+]+", span)}
    for name in ("assignments.csv", "themes.csv"):
        header = (out / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        attributes = mapped_attributes(result.manifest, header)
        assert [c for c in header if c not in named and c not in attributes] == [], name
