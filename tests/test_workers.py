"""Worker processes die with the process that started them: a `fritekst run` killed with SIGKILL
while it lemmatises must not leave its spaCy workers (half a gigabyte each) behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fritekst import nlp

pytestmark = pytest.mark.slow  # starts and kills lemmatising worker processes

ROOT = Path(__file__).resolve().parents[1]
LEMMATISE = """
from fritekst import nlp
nlp.lemmatise([f"Kommune nummer {i} trenger flere boliger, og bedre kontakt med NAV-kontoret." for i in range(40000)])
"""


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"  # a zombie has exited; only its parent's wait is missing


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds child processes in /proc (Linux)")
def test_lemmatising_workers_die_with_a_killed_parent():
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: lemmatising starts no workers")
    if nlp.pipeline_source() == "blank":
        pytest.skip("no trained pipeline: lemmatising is a table lookup without workers")
    parent = subprocess.Popen([sys.executable, "-c", LEMMATISE], env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stderr=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        deadline = time.time() + 120
        while len(workers) < 2:
            assert parent.poll() is None, f"lemmatising ended before workers were seen: {parent.stderr.read()}"
            assert time.time() < deadline, "no worker processes started"
            time.sleep(0.1)
            workers = children(parent.pid)
        time.sleep(1)  # let them get to work
        workers = children(parent.pid)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.time() + 10
        while any(alive(pid) for pid in workers) and time.time() < deadline:
            time.sleep(0.1)
        assert [pid for pid in workers if alive(pid)] == [], "workers outlived their killed parent"
    finally:
        for pid in workers:  # never leave orphans behind, whatever happened above
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
            parent.wait()
