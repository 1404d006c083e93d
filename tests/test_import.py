"""Importing records and statistics: formats, name resolution, idempotence, corrections."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from paradiplomacy.ledger.importer import LedgerImportError, import_file, import_frame
from paradiplomacy.ledger.store import LedgerError, Store

HEADER = "region,partner_country,instrument,date,year,source,magnitude,unit,confidence,note"
ROWS = [
    "RU-TA,TR,agreement,2021-03-04,,https://example.org/a,1,count,0.9,",
    "Приморье,Китай,trade,,2019,https://example.org/b,125.5,million USD,1,",
    "СПб,FIN,twinning,,2015,https://example.org/c,1,count,,sister city",
]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_csv_import_resolves_names_and_fills_defaults(ledger: Store, tmp_path: Path) -> None:
    report = import_file(ledger, write(tmp_path / "r.csv", [HEADER, *ROWS]), "records")
    assert report.ok and report.rows_added == 3 and report.batch_id == 1
    records = ledger.records().set_index("source_row")
    assert list(records["region"]) == ["RU-TA", "RU-PRI", "RU-SPE"]
    assert list(records["partner_country"]) == ["TR", "CN", "FI"]
    assert records.loc[2, "date"] == dt.date(2021, 3, 4)
    assert records.loc[2, "year"] == 2021
    assert records.loc[3, "magnitude"] == 125.5
    assert records.loc[4, "confidence"] == 1.0
    assert set(records["status"]) == {"active"}
    assert records.loc[4, "note"] == "sister city"
    assert set(records["batch_id"]) == {1}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_encodings_semicolons_and_decimal_commas(
    ledger: Store, tmp_path: Path, encoding: str
) -> None:
    lines = [
        "region;partner_country;instrument;year;source;magnitude;confidence",
        "Республика Татарстан;Германия;trade;2020;Росстат, таблица 5;1 234,5;0,8",
        "Орловская область;Беларусь;official_visit;2021;Губерния;2;80%",
        "Ханты-Мансийский автономный округ — Югра;Венгрия;cultural_event;2019;сайт;1;",
    ]
    report = import_file(ledger, write(tmp_path / "r.csv", lines, encoding), "records")
    assert report.ok, report.problems.lines()
    records = ledger.records().set_index("region")
    assert records.loc["RU-TA", "magnitude"] == 1234.5
    assert records.loc["RU-TA", "confidence"] == 0.8
    assert records.loc["RU-ORL", "confidence"] == 0.8
    assert records.loc["RU-KHM", "partner_country"] == "HU"
    assert records.loc["RU-TA", "source"] == "Росстат, таблица 5"


def test_xlsx_import(ledger: Store, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Region", "Partner country", "Instrument", "Date", "Source", "Magnitude"])
    sheet.append(["Татарстан", "TUR", "Agreement", dt.datetime(2022, 5, 6), "http://x", 2])
    sheet.append(["RU-MOW", "France", "cultural event", dt.date(2018, 1, 2), "http://y", 1.5])
    path = tmp_path / "r.xlsx"
    book.save(path)
    report = import_file(ledger, path, "records")
    assert report.ok, report.problems.lines()
    records = ledger.records().set_index("region")
    assert records.loc["RU-TA", "instrument"] == "agreement"
    assert records.loc["RU-TA", "date"] == dt.date(2022, 5, 6)
    assert records.loc["RU-MOW", "instrument"] == "cultural_event"
    assert records.loc["RU-MOW", "magnitude"] == 1.5
    assert list(records["source_row"]) == [2, 3]


@pytest.mark.parametrize("wrap", [False, True])
def test_json_import(ledger: Store, tmp_path: Path, wrap: bool) -> None:
    items = [
        {
            "region": "RU-TA",
            "partner_country": "TR",
            "instrument": "education",
            "year": 2020,
            "source": "s",
            "magnitude": 350,
            "unit": "students",
        },
        {
            "region": "RU-SPE",
            "partner_country": "DE",
            "instrument": "science",
            "date": "01.02.2019",
            "source": "s",
            "confidence": 0.5,
            "note": None,
        },
    ]
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"records": items} if wrap else items), encoding="utf-8")
    report = import_file(ledger, path, "records")
    assert report.ok, report.problems.lines()
    records = ledger.records().set_index("region")
    assert records.loc["RU-TA", "unit"] == "students"
    assert records.loc["RU-SPE", "date"] == dt.date(2019, 2, 1)
    assert list(records["source_row"]) == [1, 2]


def test_importing_twice_adds_nothing(ledger: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [HEADER, *ROWS])
    first = import_file(ledger, path, "records")
    second = import_file(ledger, path, "records")
    assert first.rows_added == 3
    assert second.rows_added == 0 and second.previous_batch == first.batch_id
    assert "already imported as batch 1" in second.summary()
    assert len(ledger.records()) == 3 and len(ledger.batches()) == 1


def test_overlapping_files_skip_records_already_in_the_ledger(
    ledger: Store, tmp_path: Path
) -> None:
    import_file(ledger, write(tmp_path / "a.csv", [HEADER, *ROWS[:2]]), "records")
    # the same records spelt differently are the same records
    respelt = [
        "Республика Татарстан,Турция,agreement,04.03.2021,,https://example.org/a,1,count,0.9,",
        ROWS[2],
    ]
    report = import_file(ledger, write(tmp_path / "b.csv", [HEADER, *respelt]), "records")
    assert (report.rows_added, report.rows_duplicate) == (1, 1)
    assert len(ledger.records()) == 3


def test_dry_run_writes_nothing(ledger: Store, tmp_path: Path) -> None:
    report = import_file(
        ledger, write(tmp_path / "r.csv", [HEADER, *ROWS]), "records", dry_run=True
    )
    assert report.ok and report.rows_added == 3 and report.batch_id is None
    assert ledger.counts()["records"] == 0 and ledger.counts()["batches"] == 0


def test_a_failed_import_raises_and_writes_nothing(ledger: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [HEADER, *ROWS, "Tatarstn,TR,agreement,,2020,s,1,count,,"])
    with pytest.raises(LedgerImportError) as error:
        import_file(ledger, path, "records")
    assert error.value.report.problems.lines() == [
        "r.csv:5:region: expected a region code, ISO code, FIPS code or name, got 'Tatarstn'; "
        "did you mean 'Tatarstan' (RU-TA)?"
    ]
    assert ledger.counts()["records"] == 0


def test_a_reference_missing_from_the_ledger_stops_the_import(
    ledger: Store, tmp_path: Path
) -> None:
    """Foreign keys are checked once per distinct value; SQLite's own checks come back on."""
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM partners WHERE alpha2 = 'TR'")
    path = write(tmp_path / "r.csv", [HEADER, *ROWS])
    with pytest.raises(LedgerError, match=r"activity_records\.partner_country 'TR' is not in"):
        import_file(ledger, path, "records")
    assert ledger.counts()["records"] == 0 and ledger.counts()["batches"] == 0
    with ledger.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_corrections_supersede_and_never_overwrite(ledger: Store, tmp_path: Path) -> None:
    import_file(ledger, write(tmp_path / "a.csv", [HEADER, *ROWS]), "records")
    old = ledger.records().set_index("source_row").loc[2, "uid"]
    fix = [
        HEADER + ",status,supersedes",
        f"RU-TA,TR,agreement,2021-03-04,,https://example.org/a2,1,count,1,,terminated,{old}",
    ]
    report = import_file(ledger, write(tmp_path / "fix.csv", fix), "records")
    assert report.ok and report.rows_superseding == 1
    current = ledger.records()
    assert len(current) == 3 and old not in set(current["uid"])
    new = current[current["supersedes"] == old]
    assert list(new["status"]) == ["terminated"]
    history = ledger.records(current=False)
    assert len(history) == 4 and old in set(history["uid"])
    # a record is superseded once
    again = [
        HEADER + ",supersedes",
        f"RU-TA,TR,agreement,2021-03-04,,https://example.org/a3,1,count,1,,{old}",
    ]
    failed = import_file(
        ledger, write(tmp_path / "again.csv", again), "records", raise_on_error=False
    )
    assert failed.problems.lines() == [
        f"again.csv:2:supersedes: expected the uid of a current record, got '{old}', which "
        "another record already supersedes"
    ]
    assert ledger.counts()["records"] == 4


STATS_LONG = [
    "region,year,indicator,value,unit,source",
    "RU-TA,2020,population,4004.8,thousand persons,Rosstat",
    'RU-TA,2021,population,"4 004,8",thousand persons,Rosstat',
    "Приморье,2020,population,1877,thousand persons,Rosstat",
]


def test_statistics_in_long_form(ledger: Store, tmp_path: Path) -> None:
    report = import_file(ledger, write(tmp_path / "s.csv", STATS_LONG), "stats")
    assert report.ok and report.layout == "long" and report.rows_added == 3
    stats = ledger.statistics().set_index(["region", "year"])
    assert stats.loc[("RU-TA", 2021), "value"] == 4004.8
    assert stats.loc[("RU-PRI", 2020), "unit"] == "thousand persons"


def test_statistics_wide_by_year_skip_empty_cells(ledger: Store, tmp_path: Path) -> None:
    lines = [
        "region;indicator;unit;source;2019;2020;2021",
        "Татарстан;foreign_students;persons;Минобрнауки;12 000;11 500;",
        "RU-MOW;foreign_students;persons;Минобрнауки;95000;90000;91000",
    ]
    report = import_file(ledger, write(tmp_path / "w.csv", lines), "stats")
    assert report.ok and report.layout == "wide-by-year" and report.rows_added == 5
    stats = ledger.statistics(region="RU-TA")
    assert list(stats["year"]) == [2019, 2020] and list(stats["value"]) == [12000.0, 11500.0]
    assert list(stats["source_row"]) == [2, 2]


def test_statistics_wide_by_indicator_take_units_from_headers(
    ledger: Store, tmp_path: Path
) -> None:
    lines = [
        "region,year,source,population [thousand persons],grp (billion RUB)",
        "RU-TA,2021,Rosstat,4004.8,3600",
        "RU-SPE,2021,Rosstat,5384,",
    ]
    report = import_file(ledger, write(tmp_path / "w.csv", lines), "stats")
    assert report.ok and report.layout == "wide-by-indicator" and report.rows_added == 3
    stats = ledger.statistics().set_index(["region", "indicator"])
    assert stats.loc[("RU-TA", "grp"), "unit"] == "billion RUB"
    assert stats.loc[("RU-SPE", "population"), "value"] == 5384


def test_a_new_statistic_value_supersedes_the_old(ledger: Store, tmp_path: Path) -> None:
    import_file(ledger, write(tmp_path / "s.csv", STATS_LONG), "stats")
    revised = [STATS_LONG[0], "RU-TA,2021,population,4010,thousand persons,Rosstat (revised)"]
    report = import_file(ledger, write(tmp_path / "r.csv", revised), "stats")
    assert report.rows_added == 1 and report.rows_superseding == 1
    current = ledger.statistics().set_index(["region", "year"])
    assert current.loc[("RU-TA", 2021), "value"] == 4010
    assert len(ledger.statistics(current=False)) == 4
    assert import_file(ledger, tmp_path / "r.csv", "stats").rows_added == 0


def test_import_frame_goes_through_the_same_checks(ledger: Store) -> None:
    frame = pd.DataFrame(
        {
            "region": ["RU-TA", "Nowhere"],
            "partner_country": ["TR", "TR"],
            "instrument": ["agreement", "agreement"],
            "year": [2020, 2020],
            "source": ["s", "s"],
        }
    )
    report = import_frame(ledger, frame, "records", name="frame", raise_on_error=False)
    assert not report.ok
    assert report.problems.lines()[0].startswith(
        "frame:3:region: expected a region code, ISO code, FIPS code or name, got 'Nowhere'"
    )
    assert import_frame(ledger, frame.iloc[:1], "records").rows_added == 1


def test_problems_are_limited_and_counted(ledger: Store, tmp_path: Path) -> None:
    bad = [HEADER] + [f"Nowhere{i},TR,agreement,,2020,s,1,count,," for i in range(30)]
    report = import_file(
        ledger, write(tmp_path / "r.csv", bad), "records", max_errors=5, raise_on_error=False
    )
    lines = report.problems.lines()
    assert len(lines) == 6 and lines[-1] == "... and 25 more problems not shown"
    assert [line.split(":")[1] for line in lines[:5]] == ["2", "3", "4", "5", "6"]


def test_names_as_official_tables_spell_them_are_imported(ledger: Store, tmp_path: Path) -> None:
    lines = [
        "region;partner_country;instrument;year;source",
        "Санкт-Петербург г.;Германия;trade;2020;Росстат",
        "Москва г;Китай;trade;2020;Росстат",
        "Ханты-Мансийский АО — Югра;Венгрия;trade;2020;Росстат",
        "Северная Осетия - Алания;Южная Корея;trade;2020;Росстат",
        "Респ. Татарстан;Турция;trade;2020;Росстат",
        "Sakha (Yakutia);Japan;trade;2020;Rosstat",
    ]
    report = import_file(ledger, write(tmp_path / "r.csv", lines), "records")
    assert report.ok, report.problems.lines()
    records = ledger.records().set_index("source_row")
    assert list(records["region"]) == ["RU-SPE", "RU-MOW", "RU-KHM", "RU-SE", "RU-TA", "RU-SA"]
    assert records.loc[5, "partner_country"] == "KR"


def test_an_ambiguous_name_is_reported_with_its_candidates(ledger: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        [HEADER, *ROWS, "Altai,Korea,agreement,,2020,s,1,count,,", "Алтай,DE,trade,,2021,s,1,,,"],
    )
    report = import_file(ledger, path, "records", raise_on_error=False)
    assert report.problems.lines() == [
        "r.csv:5:region: expected a name of one region, got 'Altai', which is ambiguous; "
        "did you mean 'Altai Republic' (RU-AL) or 'Altai Krai' (RU-ALT)?",
        "r.csv:5:partner_country: expected a name of one country, got 'Korea', which is "
        'ambiguous; did you mean "Korea, Democratic People\'s Republic of" (KP) or '
        "'Korea, Republic of' (KR)?",
        "r.csv:6:region: expected a name of one region, got 'Алтай', which is ambiguous; "
        "did you mean 'Республика Алтай' (RU-AL) or 'Алтайский край' (RU-ALT)?",
    ]
    assert ledger.counts()["records"] == 0


def test_an_ambiguous_region_in_statistics_is_reported(ledger: Store, tmp_path: Path) -> None:
    lines = [
        "region,indicator,unit,source,2020",
        "Респ. Алтай,population,thousand persons,Росстат,210",
        "Алтай,population,thousand persons,Росстат,2160",
    ]
    report = import_file(ledger, write(tmp_path / "s.csv", lines), "stats", raise_on_error=False)
    assert report.problems.lines() == [
        "s.csv:3:region: expected a name of one region, got 'Алтай', which is ambiguous; "
        "did you mean 'Республика Алтай' (RU-AL) or 'Алтайский край' (RU-ALT)?"
    ]
