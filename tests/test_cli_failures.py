"""What the CLI does when the store, the disk or the input fails: one line naming the file and what
to do, exit 2, and nothing written or created. Real SQLite files, real subprocesses."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fritekst.cli import app
from test_cli import write_survey

pytestmark = pytest.mark.slow  # runs the CLI in subprocesses, some killed midway

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("store_worker.py")
SMALL_RUN = ("--text", "Barrierer", "--id", "Kommunenr", "--role", "Rolle", "--embedder", "tfidf", "--no-cache")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def cli(*args, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """``fritekst ARGS`` as its own process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **kwargs.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "fritekst.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env, **kwargs)


def one_error_line(result, *parts: str) -> str:
    """The result failed with exit code 2 and one ``Error:`` line holding every part."""
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    message = result.stderr.strip()
    assert code == 2, (code, result.stdout, result.stderr)
    assert message.startswith("Error: ") and "\n" not in message and "Traceback" not in message, message
    for part in parts:
        assert part in message, (part, message)
    return message


@pytest.fixture
def survey(tmp_path):
    return write_survey(tmp_path / "svar.csv")


def store_tables(path: Path) -> set[str]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# --- a damaged store ---------------------------------------------------------------------------


@pytest.fixture
def damaged_store(example_project):
    """The example project with its middle third overwritten, as a bad disk or copy leaves it."""
    size = example_project.stat().st_size
    with open(example_project, "r+b") as handle:
        handle.seek(size // 3)
        handle.write(b"\xde\xad\xbe\xef" * (size // 12))
    with sqlite3.connect(example_project) as connection:  # the damage is real: SQLite's own check sees it
        try:
            problems = connection.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError:
            problems = [("malformed",)]
    assert problems != [("ok",)]
    return example_project


def test_a_damaged_store_is_one_line_from_every_reader_and_writer(damaged_store, survey, tmp_path):
    before = damaged_store.read_bytes()
    exported = invoke("export", "--db", damaged_store, "--out", tmp_path / "ut")
    one_error_line(exported, str(damaged_store), "damaged", "backup")
    assert not (tmp_path / "ut").exists()
    reported = invoke("report", damaged_store, "--out", tmp_path / "rapport.md")
    one_error_line(reported, str(damaged_store), "damaged")
    assert not (tmp_path / "rapport.md").exists()
    ran = invoke("run", survey, *SMALL_RUN, "--db", damaged_store, "--out", tmp_path / "kjoring")
    one_error_line(ran, str(damaged_store), "damaged")
    assert not (tmp_path / "kjoring").exists()  # the store is checked before the run writes anything
    assert damaged_store.read_bytes() == before


# --- a file that is not a fritekst store, and stores that do not exist -------------------------------


def test_an_unrelated_sqlite_file_is_refused_not_turned_into_a_store(survey, tmp_path):
    other = tmp_path / "regnskap.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE foo (bar TEXT)")
        connection.execute("INSERT INTO foo VALUES ('behold meg')")
    connection.close()
    before = other.read_bytes()
    one_error_line(invoke("export", "--db", other, "--out", tmp_path / "ut"), str(other), "not a fritekst store")
    one_error_line(invoke("report", other, "--out", tmp_path / "rapport.md"), str(other), "not a fritekst store")
    one_error_line(invoke("run", survey, *SMALL_RUN, "--db", other, "--out", tmp_path / "kjoring"), str(other),
                   "not a fritekst store")
    one_error_line(invoke("import", survey, "--text", "Barrierer", "--db", other), str(other), "not a fritekst store")
    one_error_line(cli("app", other, "--port", "8599", timeout=60), str(other), "not a fritekst store")
    assert other.read_bytes() == before and store_tables(other) == {"foo"}
    assert not (tmp_path / "ut").exists() and not (tmp_path / "kjoring").exists()


def test_readers_never_create_a_store(tmp_path):
    empty = tmp_path / "tom.db"
    empty.touch()
    for target in (tmp_path / "ny.db", tmp_path / "nytt_prosjekt", empty):
        one_error_line(invoke("export", "--db", target, "--out", tmp_path / "ut"), str(target), "no fritekst store")
    one_error_line(invoke("quotes", empty, "--category", "bolig"), str(empty), "no fritekst store")
    one_error_line(cli("app", empty, "--port", "8599", timeout=60), str(empty), "no fritekst store")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tom.db"] and empty.stat().st_size == 0


# --- bad input or a refusing store: nothing created, nothing written ---------------------------


def test_bad_input_creates_no_project_folder(tmp_path):
    bad = tmp_path / "skadet.csv"
    bad.write_bytes(b"")
    result = invoke("run", bad, "--text", "Barrierer", "--no-cache", "--db", tmp_path / "prosjekt",
                    "--out", tmp_path / "ut")
    one_error_line(result, "skadet.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["skadet.csv"]


def test_a_file_the_store_refuses_writes_no_output(survey, tmp_path):
    project = tmp_path / "prosjekt"
    assert invoke("import", survey, "--text", "Barrierer", "--id", "Kommunenr", "--role", "Rolle",
                  "--db", project).exit_code == 0
    changed = tmp_path / "ny" / "svar.csv"
    changed.parent.mkdir()
    table = pd.read_csv(survey, sep=";", encoding="cp1252", dtype=str)
    table.loc[0, "Barrierer"] = "Et annet svar enn det koderne har kodet."
    table.to_csv(changed, sep=";", index=False, encoding="cp1252")
    before = (project / "fritekst.db").read_bytes()
    result = invoke("run", changed, *SMALL_RUN, "--db", project, "--out", tmp_path / "ut")
    one_error_line(result, "svar.csv", "differs from the one already in the store")
    assert not (tmp_path / "ut").exists()
    assert (project / "fritekst.db").read_bytes() == before


# --- a read-only project -----------------------------------------------------------------------


def read_only_cli(folder: Path, *args) -> subprocess.CompletedProcess:
    """``fritekst ARGS`` with ``folder`` and the store in it read-only. As root, file modes do not
    bind, so the folder is mounted read-only in a private mount namespace, which binds root too."""
    os.chmod(folder / "fritekst.db", 0o444)
    os.chmod(folder, 0o555)
    if os.geteuid() != 0:
        return cli(*args)
    if shutil.which("unshare") is None:
        pytest.skip("running as root, where file modes do not bind, and without unshare(1) to mount read-only")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind '{folder}' '{folder}' && "
                            f"mount -o remount,ro,bind '{folder}' '{folder}' && ! touch '{folder}/x' 2>/dev/null"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"running as root, where file modes do not bind, and cannot mount read-only: {probe.stderr.strip()}")
    command = " ".join(f"'{a}'" for a in (sys.executable, "-m", "fritekst.cli", *map(str, args)))
    script = (f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}' '{folder}' && "
              f"exec {command}")
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture
def read_only_project(example_project):
    yield example_project.parent
    os.chmod(example_project.parent, 0o755)
    os.chmod(example_project, 0o644)


def test_a_read_only_project_exports_and_reports(read_only_project, tmp_path_factory, cache_file):
    out = tmp_path_factory.mktemp("ut")
    before = {p.name: p.read_bytes() for p in read_only_project.iterdir()}
    exported = read_only_cli(read_only_project, "export", "--db", read_only_project, "--out", out / "eksport")
    assert exported.returncode == 0, exported.stderr
    assert (out / "eksport" / "assignments.csv").is_file()
    reported = read_only_cli(read_only_project, "report", read_only_project, "--out", out / "rapport.md",
                             "--cache", cache_file)
    assert reported.returncode == 0, reported.stderr
    assert "q17_barrierer" in (out / "rapport.md").read_text(encoding="utf-8")
    assert {p.name: p.read_bytes() for p in read_only_project.iterdir()} == before


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An empty SQLite file, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        (tmp_path / "fritekst.db").touch()
        yield str(tmp_path / "fritekst.db")
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database()
    yield url
    cluster.drop_database(url)


def test_a_reader_finds_no_store_in_an_empty_database_and_cannot_write(empty_database):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from fritekst.store import StoreMissing, open_store

    for options in ({"read_only": True}, {"create": False}):
        with pytest.raises(StoreMissing):
            open_store(empty_database, **options)
    open_store(empty_database).close()
    with open_store(empty_database, read_only=True) as store, pytest.raises(DBAPIError):
        with store.engine.begin() as connection:
            connection.execute(text("INSERT INTO surveys (name, created_at) VALUES ('bølge', '2025-01-01')"))
    with open_store(empty_database, read_only=True) as store:
        assert store.runs().empty


def test_reading_a_store_from_an_older_fritekst_brings_it_up_to_date(tmp_path):
    from fritekst.store import current_revision, database_url, head_revision, open_store
    from fritekst.store._engine import make_engine
    from fritekst.store._migrate import upgrade

    engine = make_engine(database_url(tmp_path / "fritekst.db"))
    upgrade(engine, "0001")
    engine.dispose()
    with open_store(tmp_path / "fritekst.db", read_only=True) as store:
        assert current_revision(store.engine) == head_revision()


# --- the disk refuses --------------------------------------------------------------------------


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder nobody may write in: a read-only tmp folder, or /sys for root (file modes do not bind root)."""
    if os.geteuid() != 0:
        folder = tmp_path / "låst"
        folder.mkdir(mode=0o555)
        yield folder
        folder.chmod(0o755)
        return
    if not Path("/sys").is_dir() or _can_create_in(Path("/sys")):
        pytest.skip("running as root, and /sys is writable here")
    yield Path("/sys")


def _can_create_in(folder: Path) -> bool:
    try:
        (folder / "fritekst-probe").touch()
    except OSError:
        return False
    (folder / "fritekst-probe").unlink()
    return True


def test_an_unwritable_report_path_is_one_line(example_run, unwritable_folder, cache_file):
    target = unwritable_folder / "rapport.md"
    result = invoke("report", example_run[1], "--out", target, "--cache", cache_file)
    message = one_error_line(result, str(target))
    assert any(reason in message for reason in ("Permission denied", "Operation not permitted")), message


def _file_size_limit(limit: int):
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_while_exporting_is_one_line_and_leaves_nothing(example_project, tmp_path):
    """A file-size limit makes writes fail as a full disk does (Python ignores SIGXFSZ)."""
    out = tmp_path / "ut" / "eksport"
    out.parent.mkdir()
    result = cli("export", "--db", example_project, "--out", out, preexec_fn=_file_size_limit(100_000))
    message = one_error_line(result, str(out))
    assert os.strerror(errno.EFBIG) in message, message  # "File too large"
    assert list(out.parent.iterdir()) == []


# --- personal data -----------------------------------------------------------------------------


def test_run_and_export_say_that_what_they_write_holds_personal_data(survey, example_project, tmp_path):
    ran = invoke("run", survey, *SMALL_RUN, "--out", tmp_path / "kjoring")
    assert ran.exit_code == 0, ran.output
    exported = invoke("export", "--db", example_project, "--out", tmp_path / "eksport")
    assert exported.exit_code == 0, exported.output
    for result in (ran, exported):
        assert "unmasked personal data" in result.stderr, result.stderr


# --- a run killed while it is saved ------------------------------------------------------------


def test_a_run_killed_while_saving_leaves_no_survey_import(survey, tmp_path):
    """SIGKILL of a real `run --db` once its save has written rows: the import goes too."""
    project, marker = tmp_path / "prosjekt", tmp_path / "skriver"
    worker = subprocess.Popen([sys.executable, str(WORKER), "run-db", str(project), str(survey), str(marker)],
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.time() + 120
    while not marker.exists():
        assert worker.poll() is None, worker.stderr.read()
        assert time.time() < deadline, "the run never started saving"
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    database = project / "fritekst.db"
    if database.exists():
        with sqlite3.connect(database) as connection:
            counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                      for table in ("surveys", "imports", "answers", "runs")}
        connection.close()
        assert counts == dict.fromkeys(counts, 0), counts
