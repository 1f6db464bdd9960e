"""Suggestions for a mistyped column, sheet or key name."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

_LISTED = 20


def suggest(name: str, known: Sequence[str], kind: str) -> str:
    """Return "did you mean 'X'?" for the closest known name, else the list of known names.

    Matching ignores case, since "kommune" for "Kommune" is the commonest slip.
    """
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    if close:
        return f"did you mean {by_lower[close[0]]!r}?"
    listed = ", ".join(repr(k) for k in known[:_LISTED])
    more = f" and {len(known) - _LISTED} more" if len(known) > _LISTED else ""
    return f"the {kind} are {listed}{more}"
