"""A throw-away PostgreSQL server for tests: ``initdb`` into a temporary folder, ``pg_ctl start``
listening only on a unix socket in that folder, one fresh database per test, removed at the end.

PostgreSQL refuses to run as root; under root (containers, CI) the server runs as the
``postgres`` user if there is one, else as ``nobody``. Without the server programs (Debian:
``apt-get install postgresql``) :func:`start` raises :class:`Unavailable` with the reason.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "fritekst"


class Unavailable(Exception):
    """PostgreSQL cannot be started here; the message says why."""


def find_bin() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, else the newest Debian/Ubuntu install."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                        if Path(p).parent.name.isdigit() else 0)
    candidates += ["/usr/local/pgsql/bin"]
    for folder in reversed(candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _server_user() -> pwd.struct_passwd | None:
    """None when we may run the server ourselves; else the account to run it as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise Unavailable("running as root and there is neither a 'postgres' nor a 'nobody' user to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    root: Path
    bin: Path
    port: int
    user: pwd.struct_passwd | None
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []} if self.user else {}
        env = {**os.environ, "LC_ALL": "C", "HOME": str(self.root)}
        return subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True, timeout=120, check=False,
                              **kwargs)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        done = self._run(str(self.bin / "createdb"), "-h", str(self.socket_dir), "-p", str(self.port),
                         "-U", SUPERUSER, name)
        if done.returncode:
            raise RuntimeError(f"createdb failed: {done.stderr.strip()}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`new_database` (its connections must be closed);
        a failure only leaves it for :meth:`stop` to remove."""
        name = url.split("@/", 1)[1].split("?", 1)[0]
        self._run(str(self.bin / "dropdb"), "-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER, name)

    def dump(self, url: str) -> str:
        """``pg_dump`` of a database made by :meth:`new_database`: every row, as SQL text."""
        name = url.split("@/", 1)[1].split("?", 1)[0]
        done = self._run(str(self.bin / "pg_dump"), "-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER,
                         name)
        if done.returncode:
            raise RuntimeError(f"pg_dump failed: {done.stderr.strip()}")
        return done.stdout

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "stop", "-D", str(self.root / "data"), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start() -> Cluster:
    """Start a private server; call :meth:`Cluster.stop` when done."""
    folder = find_bin()
    if folder is None:
        raise Unavailable("PostgreSQL server programs (initdb, pg_ctl) not found; install them "
                          "(Debian/Ubuntu: apt-get install postgresql)")
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="fritekst-pg-"))  # not under pytest's tmp: another user must enter it
    (root / "socket").mkdir()
    if user is not None:
        for path in (root, root / "socket"):
            os.chown(path, user.pw_uid, user.pw_gid)
    cluster = Cluster(root, folder, _free_port(), user)
    steps = [
        (str(folder / "initdb"), "-D", str(root / "data"), "-U", SUPERUSER, "--auth=trust", "--no-sync",
         "-E", "UTF8", "--locale=C"),
        (str(folder / "pg_ctl"), "start", "-D", str(root / "data"), "-l", str(root / "server.log"), "-w", "-t", "60",
         "-o", (f"-c listen_addresses='' -c unix_socket_directories='{root / 'socket'}' -c port={cluster.port} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50")),
    ]
    for step in steps:
        try:
            done = cluster._run(*step)
        except (OSError, subprocess.SubprocessError) as error:
            shutil.rmtree(root, ignore_errors=True)
            raise Unavailable(f"{Path(step[0]).name} could not run: {error}") from None
        if done.returncode:
            log = (root / "server.log").read_text(errors="replace")[-800:] if (root / "server.log").exists() else ""
            cluster.stop()
            raise Unavailable(f"{Path(step[0]).name} failed: {(done.stderr or done.stdout).strip()[-800:]} {log}")
    return cluster
