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


def test_every_test_named_in_the_security_page_exists():
    """docs/security.md names the test behind each defence; a renamed or deleted test fails here."""
    root = Path(__file__).resolve().parents[1]
    page = (root / "docs" / "security.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", page)
    named += [(file, name) for file, rest in re.findall(r"`(tests/[\w/]+\.py)::\w+`((?:, `::\w+`)+)", page)
              for name in re.findall(r"`::(\w+)`", rest)]
    assert len(named) > 30
    missing = [f"{file}::{name}" for file, name in named
               if not (root / file).is_file() or (name and f"def {name}(" not in (root / file).read_text(encoding="utf-8"))]
    assert not missing
