"""Undo for coders: a coder withdraws their last action (one saved coding, or a whole theme
accepted at once) as a new, audited event; the codings table stays append-only.

Withdrawing appends, for each segment the action touched, the coder's coding from just before it
(a copy, so the state is back as it was) or, where they had none, a row with
:data:`WITHDRAWN_CODE`. The audit entry names the codings withdrawn and the rows written, so a
second undo goes one action further back instead of undoing the undo.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from fritekst.errors import InputError
from fritekst.store import _audit
from fritekst.store._engine import now
from fritekst.store._schema import WITHDRAWN_CODE, AuditEntry, Coding

_COPIED = ("code_id", "codebook_version_id", "memo", "quote_candidate", "extra_codes")


def withdraw_last(connection: Connection, coder: str) -> list[int]:
    """Withdraw ``coder``'s last action not yet withdrawn; returns the segment ids it touched."""
    handled: set[int] = set()
    for after in connection.scalars(
        select(AuditEntry.after).where(AuditEntry.action == "withdraw", AuditEntry.actor == coder)
    ):
        entry = _audit.parse(after)
        handled.update(entry["withdrawn"], entry["written"])
    rows = connection.execute(
        select(Coding).where(Coding.coder == coder).order_by(Coding.id)
    ).mappings().all()
    actions = [row for row in rows if row["id"] not in handled]
    if not actions:
        raise InputError(f"{coder} has no coding to undo", column="coder")
    # One action is one save: every coding of a save shares its moment (add_codings stamps it once).
    moment = actions[-1]["created_at"]
    batch = [row for row in actions if row["created_at"] == moment]
    first = min(row["id"] for row in batch)
    written, segments = [], []
    for row in batch:
        earlier = [r for r in rows if r["segment_id"] == row["segment_id"] and r["id"] < first]
        values = {key: earlier[-1][key] for key in _COPIED} if earlier else {
            "code_id": WITHDRAWN_CODE, "codebook_version_id": row["codebook_version_id"], "memo": None,
            "quote_candidate": False, "extra_codes": None}
        written.append(connection.scalar(insert(Coding).values(
            segment_id=row["segment_id"], coder=coder, created_at=now(), **values).returning(Coding.id)))
        segments.append(row["segment_id"])
    _audit.record(connection, coder, "withdraw", "coding", batch[-1]["id"], None,
                  {"withdrawn": [row["id"] for row in batch], "written": written, "segments": segments})
    return segments
