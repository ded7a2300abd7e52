"""A throwaway PostgreSQL cluster for the tests, and a fresh database per test.

When Debian's PostgreSQL binaries are installed (``/usr/lib/postgresql/*/bin``),
the first test that asks for PostgreSQL starts a cluster in a temporary
folder on a free port (``initdb`` and ``pg_ctl`` refuse to run as root: as
root they run as the ``postgres`` user through ``runuser``), and the end of
the session stops it and removes the folder. Each pytest-xdist worker runs
its own cluster (a session fixture runs once per worker), so no port or
folder is shared.

Without the binaries the PostgreSQL tests skip, saying why; with
``KPI_REQUIRE_POSTGRES=1`` (``.ci/run`` sets it) they fail instead, so CI
cannot pass with the PostgreSQL half silently skipped.

Each test gets its own database: ``CREATE DATABASE ... TEMPLATE`` from a
template loaded once per session (the demo, the small company), a file copy
that takes a fraction of a second instead of a reload.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REQUIRE_ENV = "KPI_REQUIRE_POSTGRES"
_names = itertools.count(1)


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (15 or newer), or None."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        version = Path(initdb).parts[-3]
        if version.isdigit() and int(version) >= 15:
            found.append((int(version), Path(initdb).parent))
    return max(found)[1] if found else None


def unavailable(reason: str) -> None:
    """Skip the test (or fail it, when CI requires PostgreSQL)."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"PostgreSQL is required ({REQUIRE_ENV}=1) but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests need the server binaries: {reason}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL server in a temporary folder, trusted local connections as user ``kpi``."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="kpi-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "kpi", "-E", "UTF8", "--no-sync")
        for attempt in range(5):
            self.port = _free_port()
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
                # a test cluster: no crash safety needed, faster writes
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
                break
            except subprocess.CalledProcessError:
                if attempt == 4:
                    raise
                time.sleep(0.2)  # the port was taken between choosing and binding: another one

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://kpi@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement)

    def create(self, template: str | None = None, name: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); its URL."""
        name = name or f"t{os.getpid()}_{next(_names)}"
        self.sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def drop(self, url: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """The session's PostgreSQL cluster (skips, or fails under CI, without the binaries)."""
    bin_dir = binaries()
    if bin_dir is None:
        unavailable("no /usr/lib/postgresql/<15 or newer>/bin/initdb (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install -r requirements.txt)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("running as root without runuser")
    cluster = Cluster(bin_dir)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster):
    """A fresh, empty database for one test (dropped after it)."""
    url = pg_cluster.create()
    yield url
    pg_cluster.drop(url)


def template_of(cluster: Cluster, name: str, fill) -> str:
    """A template database ``name`` filled once by ``fill(url)``; its name."""
    url = cluster.create(name=name)
    fill(url)
    return name
