"""The script Streamlit runs: build the data source from argv, hand it to the page."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from fritekst.app.themes_page import main
from fritekst.errors import InputError
from fritekst.results import load_run


def run_from_argv(argv: list[str]) -> None:
    """``argv[1]`` (or ``$FRITEKST_RUN``, else ``demo-out``) is the run directory to show."""
    run_dir = Path(argv[1] if len(argv) > 1 else os.environ.get("FRITEKST_RUN", "demo-out"))
    try:
        main(load_run(run_dir))
    except InputError as problem:
        main(None, str(problem))


if __name__ == "__main__":
    run_from_argv(sys.argv)
