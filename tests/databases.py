"""The databases the store's tests run on: an SQLite file, and a throwaway PostgreSQL server.

The server is Debian's ``postgresql`` (``bash tests/run.sh`` installs it as root): a new
cluster in a temporary folder, listening on a free port of 127.0.0.1, started once per test
session and removed after it; each test gets a database of its own. PostgreSQL refuses to
run as root, so as root the server runs as the ``postgres`` user (or ``nobody``). The
server is the tests' child and is tied to their life: if the tests are killed outright, the
kernel stops it too. Without the binaries the PostgreSQL half of each test is skipped, saying why.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

DATABASES = ["sqlite", "postgresql"]
STARTUP_SECONDS = 60


def binaries() -> Path | None:
    """The newest installed PostgreSQL's folder of programs, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda path: int(path.parent.parent.name))
    return found[-1].parent if found else None


def _owner() -> dict[str, Any]:
    """How to run the server's programs: as root, as an unprivileged user; otherwise as we are."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    pytest.skip("the tests run as root and there is no 'postgres' or 'nobody' user to run PostgreSQL as")


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG, set after the child took its user (a change of user clears it).
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """A PostgreSQL server of its own in *folder*."""

    def __init__(self, programs: Path) -> None:
        self.programs = programs
        self.owner = _owner()
        # Under /tmp when the server runs as another user: a private $TMPDIR would keep it out.
        self.folder = Path(tempfile.mkdtemp(prefix="tcdocs-postgresql-", dir="/tmp" if self.owner else None))
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self._numbers = itertools.count(1)
        if "user" in self.owner:
            os.chown(self.folder, self.owner["user"], self.owner["group"])

    def _run(self, *command: str) -> None:
        result = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, **self.owner)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr or result.stdout}")

    def start(self) -> None:
        data = self.folder / "data"
        self._run(str(self.programs / "initdb"), "-D", str(data), "-U", "tcdocs", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.port = _free_port()
        log = (self.folder / "server.log").open("wb")
        # Durability is not what these tests are about (a killed client, not a killed server):
        # without fsync the server starts and makes databases quickly.
        settings = [
            "listen_addresses=127.0.0.1",
            f"unix_socket_directories={self.folder}",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "max_connections=50",
        ]
        command = [str(self.programs / "postgres"), "-D", str(data), "-p", str(self.port)]
        for setting in settings:
            command += ["-c", setting]
        self.process = subprocess.Popen(
            command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent, **self.owner
        )
        log.close()
        self._wait()

    def _wait(self) -> None:
        import psycopg

        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL stopped: {(self.folder / 'server.log').read_text(errors='replace')}")
            try:
                psycopg.connect(self.url("postgres", driver=False), connect_timeout=5).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def url(self, database: str, driver: bool = True) -> str:
        scheme = "postgresql+psycopg" if driver else "postgresql"
        return f"{scheme}://tcdocs@127.0.0.1:{self.port}/{database}"

    def new_database(self, template: str | None = None) -> str:
        """The URL of a new database: empty, or a copy of the database *template* (a URL)."""
        import psycopg

        name = f"test{next(self._numbers)}"
        copy = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
        with psycopg.connect(self.url("postgres", driver=False), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown: ends the sessions; the data is thrown away after
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[Server]:
    programs = binaries()
    if programs is None:
        pytest.skip("PostgreSQL is not installed (Debian's postgresql package; bash tests/run.sh installs it when run as root)")
    server = Server(programs)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: an SQLite file, or a database of the test session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.db'}"
    server: Server = request.getfixturevalue("postgresql_server")
    return server.new_database()


@pytest.fixture(scope="session")
def _examples() -> dict[str, str]:
    """The database holding the example case, made once per test session for each kind of database."""
    return {}


@pytest.fixture(params=DATABASES)
def example_database(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, _examples: dict[str, str]
) -> str:
    """The URL of a database holding the example case (examples/) as case 1, imported by "Ada Admin";
    a copy for each test of one made once, since importing is what takes the time."""
    from tcdocs.store import User, import_folder, open_store

    from .conftest import EXAMPLES

    server: Server | None = request.getfixturevalue("postgresql_server") if request.param == "postgresql" else None
    if request.param not in _examples:
        made = server.new_database() if server else f"sqlite:///{tmp_path_factory.mktemp('example') / 'cases.db'}"
        with open_store(made) as store:
            case, _ = import_folder(store, EXAMPLES, by=User("Ada Admin", "admin"))
        assert case.id == 1
        _examples[request.param] = made
    made = _examples[request.param]
    if server:
        return server.new_database(template=made)
    shutil.copyfile(made.removeprefix("sqlite:///"), tmp_path / "cases.db")  # the store was closed: no log beside it
    return f"sqlite:///{tmp_path / 'cases.db'}"


def python(*arguments: str, **options: Any) -> subprocess.Popen[str]:
    """Another Python process running *arguments*, from the project's root, talking through pipes."""
    root = Path(__file__).resolve().parent.parent
    return subprocess.Popen(
        [sys.executable, *arguments], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options
    )
