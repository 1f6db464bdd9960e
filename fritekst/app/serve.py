"""How the app's server is started: on this machine alone, or as a team server behind a login.

A server that anyone on the network can reach must know who is using it, or anyone could read
the answers and code as anyone. So an address other than loopback needs ``--auth``: Streamlit's
``[auth]`` settings for an OpenID Connect provider (``st.login``), which the server reads as its
secrets file; the app then shows nothing to a visitor who has not signed in
(:mod:`fritekst.app.identity`).
"""

from __future__ import annotations

import ipaddress
import os
import sys
import tomllib
from pathlib import Path

from fritekst.app.identity import AUTH_ENV, OIDC
from fritekst.errors import InputError

LOOPBACK = "127.0.0.1"
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def check_auth(path: str | os.PathLike[str]) -> Path:
    """``path`` once it holds an ``[auth]`` section Streamlit can log people in with."""
    path = Path(path)
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError.from_os_error(error, path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"not TOML ({error})", file=str(path), column="--auth") from None
    auth = settings.get("auth")
    if not isinstance(auth, dict):
        raise InputError("no [auth] section (redirect_uri, cookie_secret, client_id, client_secret, "
                         "server_metadata_url); see README, A team", file=str(path), column="--auth")
    missing = [key for key in AUTH_KEYS if not str(auth.get(key, "")).strip()]
    if missing:
        raise InputError(f"[auth] lacks {', '.join(missing)}", file=str(path), column="--auth")
    if not str(auth["redirect_uri"]).endswith("/oauth2callback"):
        raise InputError("redirect_uri must be this server's address followed by /oauth2callback",
                         file=str(path), column="redirect_uri")
    if len(str(auth["cookie_secret"])) < MIN_COOKIE_SECRET:
        raise InputError(f"cookie_secret signs the login cookie and needs {MIN_COOKIE_SECRET} characters or more "
                         "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)",
                         file=str(path), column="cookie_secret")
    return path


def server_command(target: str, address: str = LOOPBACK, port: int = 8501,
                   auth: str | os.PathLike[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The command and environment that serve ``target``; refused without ``auth`` on any
    address but loopback."""
    from fritekst.app import streamlit_main
    from fritekst.codebook import MAX_CODEBOOK_BYTES

    if auth is None and not is_loopback(address):
        raise InputError(f"refusing to serve on {address} without --auth: anyone who reached it could read the "
                         "answers and code as anyone; give --auth FILE (OpenID Connect login) or serve on 127.0.0.1",
                         column="--address")
    command = [sys.executable, "-m", "streamlit", "run", str(streamlit_main.__file__), "--server.address", address,
               "--server.port", str(port), "--server.maxUploadSize", str(MAX_CODEBOOK_BYTES // 2**20),
               "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal"]
    env = {key: value for key, value in os.environ.items() if key != AUTH_ENV}
    if auth is not None:
        command += ["--server.headless", "true", "--secrets.files", str(check_auth(auth).resolve())]
        env[AUTH_ENV] = OIDC
    return [*command, "--", target], env
