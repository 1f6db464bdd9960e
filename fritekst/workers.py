"""Worker processes that die with the process that started them.

spaCy's ``nlp.pipe(n_process=…)`` starts workers that wait on a queue for ever when their parent is
killed with SIGKILL (or the OOM killer): two orphans of half a gigabyte each per killed
``fritekst run``. Workers from :func:`process_pool` ask the kernel to kill them when their parent
dies (Linux ``prctl(PR_SET_PDEATHSIG)``), or elsewhere watch their parent's pid, and they leave
Ctrl-C to the parent, which shuts the pool down.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes bound to this one.

    Forked where the platform can (the workers share the parent's loaded pipeline instead of
    loading it again, as spaCy's own workers did), spawned elsewhere.
    """
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=die_with_parent, initargs=(os.getpid(),))


def die_with_parent(parent: int) -> None:
    """Worker initializer: end this process when ``parent`` ends; ignore Ctrl-C (the parent's)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            _watch(parent)
    else:
        _watch(parent)
    if os.getppid() != parent:  # the parent died before the kernel was asked to tell
        os._exit(1)


def _watch(parent: int, interval_s: float = 1.0) -> None:
    """Where the kernel cannot be asked: a thread that ends the process once it is orphaned."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(1)

    threading.Thread(target=watch, name="fritekst-die-with-parent", daemon=True).start()
