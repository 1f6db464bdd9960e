"""Tables derived from the packaged word lists, kept beside the embedding cache.

Parsing Norsk Ordbank (spacy-lookups-data, 590 000 forms) takes 1.5–3 s, and a warm re-run of
1 000 answers should take a few seconds in all (issue 18). What the re-run needs from it (the
common words, the lemmas of a few forms) is written once, in a form that loads in a fraction of
that, to a file whose name says what it was derived from. The files hold no answers' words.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path


def kept_file(name: str, write: Callable[[Path], None]) -> Path | None:
    """The file ``name`` beside the embedding cache, made by ``write(path)`` if it is not there
    yet; None when it cannot be made (a read-only home: the caller derives the table again)."""
    from fritekst.embed.cache import default_cache_path

    kept = default_cache_path().resolve().parent / name  # absolute: read through a file: URI
    if kept.is_file():
        return kept
    partial = kept.with_name(f"{kept.name}.{os.getpid()}")
    try:  # written whole, then renamed: a process reading at the same time never sees half a file
        kept.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        partial.replace(kept)
    except (OSError, sqlite3.Error):
        partial.unlink(missing_ok=True)
        return None
    return kept


def kept_words(name: str, derive: Callable[[], frozenset[str]]) -> frozenset[str]:
    """The word list ``derive()`` gives, kept as the text file ``name`` (a word a line)."""
    kept = kept_file(name, lambda path: path.write_text("\n".join(sorted(derive())), encoding="utf-8"))
    if kept is None:
        return derive()
    return frozenset(kept.read_text(encoding="utf-8").split("\n"))
