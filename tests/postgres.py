"""A throwaway PostgreSQL server for tests, started from the machine's PostgreSQL binaries.

The server listens only on a Unix socket in a temporary directory (no TCP), with trust
authentication, and is stopped when the test session ends. When running as root, the cluster
is owned by the ``postgres`` system user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PORT = 54329


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def available() -> str:
    """Empty when a server can be started here, else the reason it cannot."""
    if not (find_bin("initdb") and find_bin("pg_ctl")):
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg driver is not installed (pip install 'paradiplomacy[postgres]')"
    return ""


@contextmanager
def server() -> Iterator[str]:
    """Start a server; yield an SQLAlchemy URL of its ``postgres`` database."""
    folder = Path(tempfile.mkdtemp(prefix="paradiplomacy-pg-"))
    data = folder / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    run = [
        *prefix,
        find_bin("initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        "ledger",
        "-E",
        "UTF8",
        "--locale",
        "C",
    ]
    subprocess.run(run, check=True, capture_output=True)
    options = f"-p {PORT} -k {folder} -c listen_addresses='' -c fsync=off"
    pg_ctl = find_bin("pg_ctl")
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://ledger@/postgres?host={folder}&port={PORT}"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)
