"""Who is using the app: a name the app did not take from a text box.

On one's own machine (``fritekst app``) the person is whoever runs the process: the store's
:meth:`~fritekst.store.Store.whoami` (``$FRITEKST_USER``, PostgreSQL's role, the login name). On a
team server (``fritekst serve --auth``, which sets ``$FRITEKST_AUTH=oidc``) it is the person the
identity provider signed in through Streamlit's ``st.login``, read from the token's claims; a
visitor who has not signed in is nobody, and the app shows them nothing but the way to sign in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from fritekst.coders import check_name
from fritekst.errors import InputError
from fritekst.store import Store

AUTH_ENV = "FRITEKST_AUTH"
OIDC = "oidc"
CLAIMS = ("email", "preferred_username", "sub")
"""The token claims a person's name is taken from, the first one present: an e-mail is what a
prosjektleder knows a colleague by when granting a role."""


@dataclass(frozen=True)
class Identity:
    """``person``: the name changes are recorded under (None: nobody has signed in);
    ``signed_in``: through a login (a team server), not the machine's user."""

    person: str | None
    signed_in: bool


def login_required() -> bool:
    """A team server started with ``--auth``: nobody is anybody until they sign in."""
    return os.environ.get(AUTH_ENV) == OIDC


def current_identity(store: Store) -> Identity:
    """The person using this session of the app."""
    if not login_required():
        return Identity(store.whoami(), signed_in=False)
    import streamlit as st

    claims = st.user.to_dict()
    if claims.get("is_logged_in") is not True:  # absent where no [auth] was configured: nobody
        return Identity(None, signed_in=True)
    return Identity(person_from_claims(claims), signed_in=True)


def person_from_claims(claims: dict) -> str:
    """The name of a signed-in person from their token's claims (see :data:`CLAIMS`)."""
    for claim in CLAIMS:
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return check_name(value, column=claim)
    raise InputError("the identity provider's token names nobody (no email, preferred_username or sub)")
