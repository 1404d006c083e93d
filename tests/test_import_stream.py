"""Importing in chunks: row numbers, all or nothing, duplicates and dry runs across chunks.

Chunk sizes are tiny here (``chunk_rows=1, 2, 3``), so that every file spans several chunks. A
ledger that is empty and a load estimated at :data:`importer.BULK` rows or more take the bulk
path (the indexes the import does not look rows up by are dropped and rebuilt, duplicates are
found when the unique index is rebuilt); the other path looks every chunk up in the ledger.
Both are tested, by setting ``BULK`` to 1 or to a large number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from paradiplomacy.ledger import importer
from paradiplomacy.ledger.importer import import_file, import_frame
from paradiplomacy.ledger.readers import frame_tables, inspect_source, iter_tables
from paradiplomacy.ledger.store import Store
from tests.test_properties import REGISTRIES, SLOW, record_sets, spelled_frame

HEADER = "region,partner_country,instrument,year,source"


def record(i: int, region: str = "RU-TA") -> str:
    return f"{region},TR,agreement,2020,https://example.org/{i}"


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture(params=["bulk", "lookup"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test through both write paths."""
    monkeypatch.setattr(importer, "BULK", 1 if request.param == "bulk" else 10**9)
    return request.param


def content(store: Store) -> pd.DataFrame:
    """Every row the import writes, with its provenance (ids, batch, source row, superseded)."""
    with store.engine.connect() as conn:
        return pd.read_sql("SELECT * FROM activity_records ORDER BY id", conn)


# --- row numbers across chunks -------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_errors_at_a_chunk_boundary_name_the_file_rows(
    ledger: Store, tmp_path: Path, mode: str, chunk: int
) -> None:
    # rows 4 and 5: the last row of the first chunk of 3 and the first row of the second
    lines = [
        HEADER,
        record(1),
        record(2),
        "Nowhere,TR,agreement,2020,s",
        "RU-TA,TR,agreement,1800,s",
    ]
    lines += [record(i) for i in range(3, 8)]
    report = import_file(
        ledger, write(tmp_path / "r.csv", lines), "records", chunk_rows=chunk, raise_on_error=False
    )
    assert [(p.row, p.column) for p in report.errors] == [(4, "region"), (5, "year")]
    assert (
        report.problems.lines()[1] == "r.csv:5:year: expected a year from 1900 to 2100, got '1800'"
    )
    assert report.rows_read == 9 and report.rows_added == 0
    assert ledger.counts()["records"] == 0 and ledger.counts()["batches"] == 0


def test_blank_lines_keep_the_row_numbers_of_the_file(ledger: Store, tmp_path: Path) -> None:
    # a line of spaces: Arrow cannot parse it, the strict reader goes on from where Arrow stopped
    lines = [HEADER, record(1), "", record(2), "   ", record(3), "Nowhere,TR,agreement,2020,s"]
    path = write(tmp_path / "r.csv", lines)
    report = import_file(ledger, path, "records", chunk_rows=2, raise_on_error=False)
    assert report.problems.lines() == [
        "r.csv:7:region: expected a region code, ISO code, FIPS code or name, got 'Nowhere'"
    ]
    write(path, lines[:-1])
    assert import_file(ledger, path, "records", chunk_rows=2).rows_added == 3
    assert list(ledger.records()["source_row"]) == [2, 4, 6]


def test_a_malformed_row_after_the_first_chunks_is_reported(ledger: Store, tmp_path: Path) -> None:
    lines = [HEADER, *(record(i) for i in range(6)), "RU-TA,TR,agreement,2020,s,extra"]
    report = import_file(
        ledger, write(tmp_path / "r.csv", lines), "records", chunk_rows=2, raise_on_error=False
    )
    assert report.problems.lines() == [
        "r.csv:8:-: expected 5 fields separated by ',', got 6 fields; "
        "quote cells that contain the separator"
    ]
    assert ledger.counts()["records"] == 0 and ledger.counts()["batches"] == 0


def test_quoted_line_breaks_and_windows_1251_in_chunks(ledger: Store, tmp_path: Path) -> None:
    lines = [HEADER + ",note"]
    lines += [f'Татарстан,Турция,agreement,2020,s{i},"строка\nвторая"' for i in range(5)]
    path = write(tmp_path / "r.csv", lines, "cp1251")
    assert inspect_source(path).encoding == "cp1251"
    assert import_file(ledger, path, "records", chunk_rows=2).rows_added == 5
    records = ledger.records()
    assert list(records["source_row"]) == [2, 3, 4, 5, 6]
    assert set(records["note"]) == {"строка\nвторая"} and set(records["region"]) == {"RU-TA"}


def test_xlsx_in_chunks(ledger: Store, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Region", "Partner country", "Instrument", "Date", "Source"])
    for i in range(5):
        sheet.append(["Татарстан", "TUR", "Agreement", dt.datetime(2022, 5, 6 + i), f"http://{i}"])
    sheet.append(["Татарстан", "TUR", "Agreement", "2022-13-01", "http://x"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    report = import_file(ledger, path, "records", chunk_rows=2, raise_on_error=False)
    assert [(p.row, p.column) for p in report.errors] == [(7, "date")]
    sheet.delete_rows(7)
    book.save(path)
    assert import_file(ledger, path, "records", chunk_rows=2).rows_added == 5
    assert list(ledger.records()["source_row"]) == [2, 3, 4, 5, 6]


# --- all or nothing --------------------------------------------------------------------------


def test_an_error_in_a_later_chunk_writes_nothing(ledger: Store, tmp_path: Path, mode: str) -> None:
    import_file(ledger, write(tmp_path / "a.csv", [HEADER, record(100)]), "records")
    before = content(ledger)
    lines = [HEADER, *(record(i) for i in range(9)), "RU-TA,TR,agreement,2020,"]
    report = import_file(
        ledger, write(tmp_path / "b.csv", lines), "records", chunk_rows=3, raise_on_error=False
    )
    assert report.problems.lines() == ["b.csv:11:source: expected a source, got an empty cell"]
    assert report.batch_id is None and report.rows_added == 0
    pd.testing.assert_frame_equal(content(ledger), before)
    assert ledger.counts()["batches"] == 1
    with ledger.engine.connect() as conn:  # the indexes dropped for the load are back
        names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert {"ix_activity_records_uid", "ix_activity_records_cube"} <= names


def test_max_errors_stops_reading_early(ledger: Store, tmp_path: Path) -> None:
    lines = [HEADER, *(f"Nowhere{i},TR,agreement,2020,s" for i in range(10))]
    report = import_file(
        ledger,
        write(tmp_path / "r.csv", lines),
        "records",
        chunk_rows=2,
        max_errors=3,
        raise_on_error=False,
    )
    assert report.rows_read == 4  # two chunks: 4 errors, at least max_errors
    assert [p.row for p in report.errors] == [2, 3, 4]
    assert report.problems.lines()[-1] == (
        "... and 1 more problems not shown; checking stopped after row 5; "
        "the rest of the file was not read"
    )
    assert report.summary() == "r.csv: 4 problems in rows up to 5; nothing was written"
    whole = import_file(ledger, tmp_path / "r.csv", "records", max_errors=3, raise_on_error=False)
    assert whole.problems.lines()[-1] == "... and 7 more problems not shown"


def test_dry_run_streams_and_writes_nothing(ledger: Store, tmp_path: Path, mode: str) -> None:
    import_file(ledger, write(tmp_path / "a.csv", [HEADER, record(1)]), "records")
    before = content(ledger)
    lines = [HEADER, *(record(i) for i in range(7))]
    report = import_file(
        ledger, write(tmp_path / "b.csv", lines), "records", chunk_rows=2, dry_run=True
    )
    assert report.ok and report.batch_id is None
    assert (report.rows_read, report.rows_added, report.rows_duplicate) == (7, 6, 1)
    assert report.summary().startswith("b.csv: read 7 rows; would add 6 records")
    pd.testing.assert_frame_equal(content(ledger), before)
    assert ledger.counts()["batches"] == 1


# --- duplicates across chunks ----------------------------------------------------------------


def test_duplicates_in_different_chunks(ledger: Store, tmp_path: Path, mode: str) -> None:
    lines = [HEADER, record(1), record(2), record(3), record(1), record(4), record(2), record(1)]
    report = import_file(
        ledger, write(tmp_path / "r.csv", lines), "records", chunk_rows=2, raise_on_error=False
    )
    expected = "each record once (add repeated events up in 'magnitude')"
    assert report.problems.lines() == [
        f"r.csv:5:-: expected {expected}, got a duplicate of row 2",
        f"r.csv:7:-: expected {expected}, got a duplicate of row 3",
        f"r.csv:8:-: expected {expected}, got a duplicate of row 2",
    ]
    assert ledger.counts()["records"] == 0 and ledger.counts()["batches"] == 0


def test_a_duplicate_of_a_row_skipped_as_already_in_the_ledger(
    ledger: Store, tmp_path: Path
) -> None:
    import_file(ledger, write(tmp_path / "a.csv", [HEADER, record(1)]), "records")
    lines = [HEADER, record(1), record(2), record(3), record(1)]
    report = import_file(
        ledger, write(tmp_path / "b.csv", lines), "records", chunk_rows=2, raise_on_error=False
    )
    assert report.problems.lines() == [
        "b.csv:5:-: expected each record once (add repeated events up in 'magnitude'), "
        "got a duplicate of row 2"
    ]
    assert ledger.counts()["records"] == 1


def test_rows_already_in_the_ledger_are_skipped_in_every_chunk(
    ledger: Store, tmp_path: Path
) -> None:
    import_file(ledger, write(tmp_path / "a.csv", [HEADER, record(1), record(4)]), "records")
    lines = [HEADER, *(record(i) for i in range(6))]
    report = import_file(ledger, write(tmp_path / "b.csv", lines), "records", chunk_rows=2)
    assert (report.rows_added, report.rows_duplicate) == (4, 2)
    assert list(ledger.records(current=False)["source_row"]) == [2, 3, 2, 4, 5, 7]


def test_two_rows_in_different_chunks_supersede_the_same_record(
    ledger: Store, tmp_path: Path
) -> None:
    import_file(ledger, write(tmp_path / "a.csv", [HEADER, record(1)]), "records")
    old = ledger.records()["uid"].iat[0]
    lines = [HEADER + ",supersedes", f"{record(2)},{old}", f"{record(3)},", f"{record(4)},{old}"]
    report = import_file(
        ledger, write(tmp_path / "b.csv", lines), "records", chunk_rows=2, raise_on_error=False
    )
    got = f"'{old}', which other rows of this file also supersede"
    assert report.problems.lines() == [
        f"b.csv:2:supersedes: expected the uid of a current record, got {got}",
        f"b.csv:4:supersedes: expected the uid of a current record, got {got}",
    ]
    assert ledger.counts()["records"] == 1
    lines[3] = f"{record(4)},"
    report = import_file(ledger, write(tmp_path / "b.csv", lines), "records", chunk_rows=2)
    assert report.rows_superseding == 1 and old not in set(ledger.records()["uid"])


STATS = "region,year,indicator,value,unit,source"


def test_statistics_second_values_across_chunks(ledger: Store, tmp_path: Path, mode: str) -> None:
    lines = [
        STATS,
        "RU-TA,2020,population,1,thousand persons,s",
        "RU-TA,2021,population,2,thousand persons,s",
        "RU-PRI,2020,population,3,thousand persons,s",
        "RU-TA,2020,population,4,thousand persons,s",
    ]
    report = import_file(
        ledger, write(tmp_path / "s.csv", lines), "stats", chunk_rows=1, raise_on_error=False
    )
    assert report.problems.lines() == [
        "s.csv:5:value: expected one value per region, year and indicator, got a second value "
        "for RU-TA 2020 'population' (first at row 2)"
    ]
    assert ledger.counts()["statistics"] == 0


def test_statistics_supersede_across_chunks(ledger: Store, tmp_path: Path) -> None:
    first = [
        STATS,
        *(f"RU-TA,{y},population,{y - 2000},thousand persons,s" for y in range(2015, 2021)),
    ]
    import_file(ledger, write(tmp_path / "a.csv", first), "stats", chunk_rows=4)
    second = [
        "region;indicator;unit;source;2019;2020;2021",
        "RU-TA;population;thousand persons;s;19;20.5;21",
        "RU-PRI;population;thousand persons;s;;1;",
    ]
    report = import_file(ledger, write(tmp_path / "b.csv", second), "stats", chunk_rows=1)
    assert (report.rows_added, report.rows_duplicate, report.rows_superseding) == (3, 1, 1)
    current = ledger.statistics().set_index(["region", "year"])["value"]
    assert current[("RU-TA", 2020)] == 20.5 and current[("RU-TA", 2021)] == 21
    assert current[("RU-PRI", 2020)] == 1 and len(ledger.statistics(current=False)) == 9


# --- the same ledger whatever the chunk size ------------------------------------------------


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="paradiplomacy-chunks-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def template(workdir: Path) -> Path:
    path = workdir / "template.sqlite"
    with Store(path, **REGISTRIES) as store:
        store.init()
    return path


@SLOW
@given(record_sets, st.data())
def test_the_ledger_is_the_same_whatever_the_chunk_size(
    workdir: Path, template: Path, data: list[tuple], draw: st.DataObject
) -> None:
    """Two overlapping files imported in chunks of any size give the rows of a whole import."""
    n = len(data)
    first = spelled_frame(draw.draw, data[: draw.draw(st.integers(1, n))])
    second = spelled_frame(draw.draw, data).iloc[::-1]
    chunk = draw.draw(st.integers(min_value=1, max_value=n + 1))
    bulk = draw.draw(st.sampled_from([1, 10**9]))
    results = []
    for rows, threshold in ((10**6, 10**9), (chunk, bulk)):
        path = workdir / f"chunks-{next(COUNTER)}.sqlite"
        shutil.copyfile(template, path)
        original = importer.BULK
        importer.BULK = threshold
        try:
            with Store(path, **REGISTRIES) as store:
                reports = []
                for i, frame in enumerate((first, second)):
                    csv = workdir / f"file-{i}-{next(COUNTER)}.csv"
                    frame.to_csv(csv, index=False)
                    report = import_file(store, csv, "records", chunk_rows=rows)
                    reports.append((report.rows_read, report.rows_added, report.rows_duplicate))
                results.append((reports, content(store)))
        finally:
            importer.BULK = original
    (reports, whole), (reports_chunked, chunked) = results
    assert reports_chunked == reports
    pd.testing.assert_frame_equal(chunked, whole)
    assert len(whole) == n


COUNTER = itertools.count()


# --- DataFrames and progress ------------------------------------------------------------------


def test_frame_sha256_and_tables_do_not_depend_on_the_chunk_size(ledger: Store) -> None:
    frame = pd.DataFrame(
        {
            "region": ["RU-TA", "RU-SPE", "RU-MOW"] * 3,
            "partner_country": ["TR", "FI", "FR"] * 3,
            "instrument": "agreement",
            "year": [2019, 2020, 2021] * 3,
            "magnitude": [1.5, None, 2.25] * 3,
            "source": [f"s{i}" for i in range(9)],
        }
    )
    whole = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
    assert import_frame(ledger, frame, "records", chunk_rows=2, dry_run=True).sha256 == whole
    tables = list(frame_tables(frame, "f", rows=4))
    assert [list(t.frame.index) for t in tables] == [[2, 3, 4, 5], [6, 7, 8, 9], [10]]
    assert [(t.position, t.extent) for t in tables] == [(4, 9), (8, 9), (9, 9)]
    report = import_frame(ledger, frame, "records", chunk_rows=2)
    assert report.rows_added == 9 and list(ledger.records()["source_row"]) == list(range(2, 11))


def test_progress_follows_the_bytes_read(ledger: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [HEADER, *(record(i) for i in range(50))])
    calls: list[tuple[int, int]] = []
    import_file(ledger, path, "records", chunk_rows=10, progress=lambda d, t: calls.append((d, t)))
    size = path.stat().st_size
    assert len(calls) in (5, 6) and all(total == size for _, total in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == size and 0 < done[0] < size


def test_chunks_of_a_csv_file_are_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [HEADER, *(record(i) for i in range(7))])
    tables = list(iter_tables(inspect_source(path), rows=3))
    assert [len(t.frame) for t in tables] == [3, 3, 1]
    frame = pd.concat([t.frame for t in tables])
    assert list(frame.index) == list(range(2, 9))
    assert list(frame["source"]) == [f"https://example.org/{i}" for i in range(7)]
    assert inspect_source(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
