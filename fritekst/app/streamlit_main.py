"""The script Streamlit runs: build the data source from argv, hand it to the page.

A directory written by ``fritekst run`` opens the read-only themes page; anything else is a
project store (a ``fritekst.db`` file, a project folder, or a PostgreSQL URL) and opens the
coder workspace.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from fritekst.errors import InputError
from fritekst.store import is_store_target


def default_target() -> str:
    """``$FRITEKST_PROJECT``, else ``fritekst.db`` here if it exists, else the demo's run."""
    if os.environ.get("FRITEKST_PROJECT"):
        return os.environ["FRITEKST_PROJECT"]
    return "fritekst.db" if Path("fritekst.db").exists() else "demo-out"


def is_run_dir(target: str) -> bool:
    return (Path(target) / "manifest.json").is_file()


def run_from_argv(argv: list[str]) -> None:
    """``argv[1]`` (default :func:`default_target`) is the run directory or project to show."""
    target = argv[1] if len(argv) > 1 else default_target()
    if is_run_dir(target) or not is_store_target(target):
        from fritekst.app.run_viewer import main as themes_main
        from fritekst.results import load_run

        try:
            themes_main(load_run(Path(target)))
        except InputError as problem:
            themes_main(None, str(problem))
        return
    from fritekst.app.workspace_app import main as workspace_main

    from fritekst.app.identity import current_identity

    try:
        store = _open_store(target)
        identity = current_identity(store)
    except InputError as problem:
        workspace_main(None, str(problem))
        return
    workspace_main(store, identity=identity)


def _open_store(target: str):
    """One store (engine and connection pool) per project for the app's lifetime, not per rerun."""
    return _cached_open_store()(target, create=False)


@functools.cache
def _cached_open_store():
    """``open_store`` behind Streamlit's resource cache, wrapped once: wrapping it anew on each
    rerun hashed its source every time (a few milliseconds of each draw)."""
    import streamlit as st

    from fritekst.store import open_store

    return st.cache_resource(open_store, show_spinner=False)


def check_target(target: str) -> None:
    """Refuse, before a server starts, what is neither a run directory nor an existing project."""
    if not is_run_dir(target) and not is_store_target(target):
        raise InputError(
            "not a fritekst run directory (no manifest.json) nor a project (no fritekst.db); make one with "
            "`fritekst run … --out DIR` or `fritekst run … --db DIR`", file=target)


if __name__ == "__main__":
    run_from_argv(sys.argv)
