"""Separate processes for the store tests: coders writing at the same moment, and a run that is
killed while it is being saved.

    python store_worker.py code URL CODER GATE N SEGMENT_ID,SEGMENT_ID,... CODE,CODE,... WORKERS
    python store_worker.py save-run URL RUN_PICKLE MARKER
    python store_worker.py run-db STORE SURVEY_CSV MARKER
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

from fritekst.store import open_store


def code(url: str, coder: str, gate: Path, n: int, segment_ids: list[int], codes: list[str], workers: int) -> None:
    """``n`` codings, each saved on its own as a coder in the app would. The worker says it is
    ready (``gate/CODER``) and starts when the test opens the gate (``gate/go``); after its first
    coding it waits for every worker's first, so that their writing overlaps even on a machine
    too busy to start them together."""
    store = open_store(url)
    (gate / coder).touch()
    _wait(lambda: (gate / "go").exists())
    for i in range(n):
        store.add_coding(segment_ids[i % len(segment_ids)], codes[i % len(codes)], coder, codebook_version=1)
        if i == 0:
            (gate / f"{coder}.first").touch()
            _wait(lambda: len(list(gate.glob("*.first"))) == workers)
    store.close()


def _wait(ready) -> None:
    while not ready():
        time.sleep(0.002)


def save_run(url: str, run_pickle: str, marker: str) -> None:
    """Save a run; once its first assignment rows have reached the database (the transaction is
    open and holds them), write ``marker`` and wait to be killed."""
    store = open_store(url)
    result = pickle.loads(Path(run_pickle).read_bytes())

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage == "assignments":
            Path(marker).write_text(f"{stage} {done}/{total}")
            time.sleep(600)

    store.save_run(result, on_progress=on_progress)


def run_db(target: str, survey: str, marker: str) -> None:
    """``fritekst run SURVEY --db STORE`` as the CLI calls it (a survey written by
    ``test_cli.write_survey``); once the save has written its first assignment rows, write
    ``marker`` and wait to be killed."""
    from fritekst.run import run_and_save
    from fritekst.settings import build_run_config

    config = build_run_config(text=["Barrierer"], id="Kommunenr", role="Rolle", embedder="tfidf")

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage == "assignments":
            Path(marker).write_text(f"{stage} {done}/{total}")
            time.sleep(600)

    run_and_save(survey, config, db=target, on_progress=on_progress)


if __name__ == "__main__":
    command, url, *args = sys.argv[1:]
    if command == "code":
        coder, gate, n, segments, codes, workers = args
        code(url, coder, Path(gate), int(n), [int(s) for s in segments.split(",")], codes.split(","), int(workers))
    elif command == "save-run":
        save_run(url, *args)
    elif command == "run-db":
        run_db(url, *args)
    else:
        raise SystemExit(f"unknown command {command!r}")
