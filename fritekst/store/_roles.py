"""Roles: what a person may change in a project.

Three roles, in the words the team uses:

- ``koder`` codes answers: codes, memos, quote candidates, undo of their own saves;
- ``prosjektleder`` also edits the codebook, renames, merges and splits themes, codes a whole
  theme at once, settles disagreements, imports surveys and saves runs, makes code suggestions,
  erases respondents and grants roles;
- ``leser`` changes nothing; the app shows them counts and reports, no answer text beyond
  masked quotes.

A project with no roles is one person's, as before roles existed: every action is allowed, so
nothing that worked stops working. Once a role is granted, every change names a person with a
role that allows it; a refused change writes an audit row (``refused``) in a transaction of its
own, so the refusal is kept though the change is not.

The store checks changes only: it cannot keep a reader of a SQLite file from reading it. Who may
read is the file's permissions (owner only) or PostgreSQL's grants; the app shows a ``leser``
what their role allows.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, delete, insert, select

from fritekst.coders import check_name
from fritekst.errors import InputError
from fritekst.store import _audit
from fritekst.store._engine import frame, now
from fritekst.store._schema import Role

CODER, LEAD, READER = "koder", "prosjektleder", "leser"
ROLES = (CODER, LEAD, READER)

ALLOWED = {
    "code": (CODER, LEAD),
    "withdraw": (CODER, LEAD),
    "code_theme": (LEAD,),
    "save_codebook": (LEAD,),
    "edit_themes": (LEAD,),
    "settle": (LEAD,),
    "suggest": (LEAD,),
    "import": (LEAD,),
    "save_run": (LEAD,),
    "forget": (LEAD,),
    "grant": (LEAD,),
}
"""Each change a role is checked for, and the roles that may make it."""

WHAT = {
    "code": "code answers", "withdraw": "undo codings", "code_theme": "code a whole theme at once",
    "save_codebook": "edit the codebook", "edit_themes": "rename, merge or split themes",
    "settle": "settle disagreements", "suggest": "make code suggestions", "import": "import surveys",
    "save_run": "save runs", "forget": "erase respondents' answers", "grant": "grant roles",
}


class NotAllowed(InputError):
    """A change the person's role does not allow; the refusal is in the audit log."""

    def __init__(self, person: str, role: str | None, action: str) -> None:
        self.person, self.role, self.action, self.allowed = person, role, action, ALLOWED[action]
        allowed = " or ".join(self.allowed)
        has = f"has the role {role}" if role else "has no role in this project"
        super().__init__(f"{person} {has}; only a {allowed} may {WHAT[action]}. Nothing was changed; "
                         "a prosjektleder can grant a role (`fritekst roles grant`)")


def check_role(role: str) -> str:
    role = role.strip().casefold()
    if role not in ROLES:
        raise InputError(f"no role {role!r}; the roles are {', '.join(ROLES)}", column="role")
    return role


def roles(connection: Connection) -> dict[str, str]:
    return dict(connection.execute(select(Role.person, Role.role)).all())


def refused(connection: Connection, person: str, action: str) -> NotAllowed | None:
    """None when ``person`` may make the change ``action`` (always, in a project without roles);
    else the error to raise, its audit row written on ``connection``."""
    granted = roles(connection)
    if not granted or granted.get(person) in ALLOWED[action]:
        return None
    _audit.record(connection, person, "refused", "role", person, None, {"action": action, "role": granted.get(person)})
    return NotAllowed(person, granted.get(person), action)


def grant(connection: Connection, person: str, role: str, actor: str) -> None:
    person, role = check_name(person, column="person"), check_role(role)
    before = roles(connection).get(person)
    connection.execute(delete(Role).where(Role.person == person))
    connection.execute(insert(Role).values(person=person, role=role, granted_by=actor, granted_at=now()))
    _audit.record(connection, actor, "grant", "role", person, {"role": before} if before else None, {"role": role})


def revoke(connection: Connection, person: str, actor: str) -> None:
    before = roles(connection).get(person)
    if before is None:
        raise InputError(f"{person} has no role in this project", column="person")
    connection.execute(delete(Role).where(Role.person == person))
    _audit.record(connection, actor, "revoke", "role", person, {"role": before}, None)


def roles_table(connection: Connection) -> pd.DataFrame:
    return frame(connection, select(Role.person, Role.role, Role.granted_by, Role.granted_at).order_by(Role.person))
