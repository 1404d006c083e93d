"""The shipped real tables: their counts in SOURCES.md, and (where the shared data is on this
machine) that they are exactly what the build tool makes from the sources."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from types import ModuleType

import pytest

from paradiplomacy.starter import EVENTS_FILE, STARTER_FILES, real_dir

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SHARED = SHARED if SHARED.is_dir() else Path("/work/shared/data")
TABLES = (*STARTER_FILES, EVENTS_FILE, "unplaced.csv")


def test_sources_md_gives_each_file_with_its_row_count() -> None:
    text = (real_dir() / "SOURCES.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([a-z_]+\.csv)` \| (\d+) \|", text, flags=re.MULTILINE))
    assert set(listed) == set(TABLES)
    for name, count in listed.items():
        with (real_dir() / name).open(encoding="utf-8", newline="") as handle:
            assert sum(1 for _ in csv.DictReader(handle)) == int(count), name


def test_shipped_tables_are_compact() -> None:
    total = sum((real_dir() / name).stat().st_size for name in TABLES)
    assert total < 3_000_000


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared real data is not on this machine")
def test_shipped_tables_equal_a_fresh_build(tool: ModuleType, tmp_path: Path) -> None:
    tool.build(SHARED, tmp_path)
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (real_dir() / name).read_bytes(), name
