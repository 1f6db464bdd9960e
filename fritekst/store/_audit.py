"""The audit log: every change to the store, who made it, and the state before and after.

Rows are written in the same transaction as the change they describe, so the log never records
a change that did not happen, nor misses one that did.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Connection, insert, select

from fritekst.store._engine import now
from fritekst.store._schema import AuditEntry


def record(
    connection: Connection, actor: str, action: str, entity: str, entity_id, before=None, after=None
) -> None:
    connection.execute(
        insert(AuditEntry).values(
            at=now(), actor=actor, action=action, entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=as_json(before), after=as_json(after),
        )
    )


def as_json(value) -> str | None:
    """A before/after value as the log stores it (æøå as written)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def latest_id(connection: Connection, entities: tuple[str, ...] | None = None) -> int:
    """The newest log row's id (of changes to ``entities`` only, when given): it moves with every
    such change, so it tells a reader its data is stale."""
    from sqlalchemy import func

    query = select(func.coalesce(func.max(AuditEntry.id), 0))
    if entities is not None:
        query = query.where(AuditEntry.entity.in_(entities))
    return connection.scalar(query)


def audit_table(connection: Connection, entity: str | None = None) -> pd.DataFrame:
    """The log oldest first; ``before`` and ``after`` parsed back from JSON."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    rows = [
        {**row, "before": parse(row["before"]), "after": parse(row["after"])}
        for row in connection.execute(query).mappings()
    ]
    table = pd.DataFrame(rows, columns=[c.name for c in AuditEntry.__table__.c])
    return table.astype({"before": object, "after": object})


def parse(value: str | None):
    return None if value is None else json.loads(value)
