"""Who codes: the name the model's suggestions go by, and what a person's name may be.

The model's suggestions are stored as codings by a coder named :data:`MODEL_CODER`, and every
stage that sets people's codes above the model's (an export, agreement, the coding queue) tells
them apart by that name alone. A person who signed in as ``model`` would have their codes taken
for the model's and left out of the export, so the name is reserved (in any case, since
"Model" and "model" read as one name to people). Every name that is recorded, a coder's, a
codebook version's author, the actor in the audit log, passes :func:`check_name` where it enters.
"""

from __future__ import annotations

import unicodedata

from fritekst.errors import InputError

MODEL_CODER = "model"
"""The coder name of suggestions saved with a run; every other coder is a person."""

MAX_NAME_CHARS = 100


def check_name(name: str, *, file: str | None = None, row: int | None = None, column: str | None = "coder") -> str:
    """``name`` without surrounding spaces, or :class:`InputError`: empty, the reserved
    :data:`MODEL_CODER`, with control or invisible characters (a newline, NUL), or longer than
    :data:`MAX_NAME_CHARS`. ``file``, ``row`` and ``column`` say where the name was read.

    >>> check_name(" kari ")
    'kari'
    """
    where = {"file": file, "row": row, "column": column}
    name = name.strip()
    if not name:
        raise InputError("the name is empty; every coding and change says who made it", **where)
    if name.casefold() == MODEL_CODER:
        raise InputError(f"the name {name!r} is reserved for the model's suggestions; use your own name", **where)
    if any(unicodedata.category(character)[0] == "C" for character in name):
        raise InputError(f"the name {name!r} holds control or invisible characters; type it again", **where)
    if len(name) > MAX_NAME_CHARS:
        raise InputError(f"the name has {len(name)} characters, over the limit of {MAX_NAME_CHARS}", **where)
    return name
