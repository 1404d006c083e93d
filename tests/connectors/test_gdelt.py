"""GDELT 2.0 events: the default rule, malformed lines, zip input, dedupe, all-or-nothing,
the events query and CLI, the HTTP path (respx, no network), climate and event indicators."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
import respx
from pydantic import ValidationError
from typer import Typer
from typer.testing import CliRunner

from paradiplomacy.cli import gdelt as cli_gdelt
from paradiplomacy.connectors import gdelt
from paradiplomacy.connectors.gdelt_climate import ClimateConfig, monthly_climate, suggested_level
from paradiplomacy.connectors.http import FetchError, HttpClient
from paradiplomacy.indicators.events import event_indicators, region_event_indicators
from paradiplomacy.ledger.events import count_events, insert_events, query_events
from paradiplomacy.ledger.store import LedgerError, Store

FIXTURES = Path(__file__).parent / "fixtures" / "gdelt"
CSV_A = FIXTURES / "20240301000000.export.CSV"
ZIP_A = FIXTURES / "20240301000000.export.CSV.zip"
ZIP_B = FIXTURES / "20240301001500.export.CSV.zip"
BASE = "http://data.gdeltproject.org/gdeltv2/"


@pytest.fixture(scope="module")
def rule() -> gdelt.Rule:
    return gdelt.Rule.default()


def pairs(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    return list(zip(frame["global_event_id"], frame["region"], frame["partner"], strict=True))


def test_rule_keeps_events_once_per_partner_and_counts_every_skip_reason(rule) -> None:
    result = gdelt.filter_file(CSV_A, rule)
    assert rule.home == "RUS" and rule.fips["RS73"] == "RU-TA"
    assert pairs(result.events) == [
        (1001, "RU-TA", "TR"),
        (1002, "RU-TA", "DE"),
        (1002, "RU-TA", "TR"),
        (1007, "RU-MOW", "US"),
        (1011, "RU-TA", "TR"),
    ]
    assert result.rows_read == 12 and result.rows_kept == 4
    assert result.skipped == {
        gdelt.SKIP_REGION: 2,  # US06 and the country-level "RS"
        gdelt.SKIP_NO_PARTNER: 2,  # RUS only; both empty
        gdelt.SKIP_UNRESOLVED: 1,  # RUS with AFR
        gdelt.SKIP_MALFORMED: 3,
    }
    assert result.unresolved == {"AFR": 1, "EUR": 1}
    row = result.events.iloc[1]
    assert row["date"] == dt.date(2024, 3, 1) and row["event_code"] == "042"
    assert row["event_root_code"] == "04" and row["quad_class"] == 4
    assert row["goldstein"] == -9.5 and row["avg_tone"] == -6.0
    assert row["num_mentions"] == 10 and row["num_sources"] == 1 and row["num_articles"] == 10
    assert row["source_url"] == "https://news.example.org/1002"
    assert row["source_file"] == str(CSV_A)


def test_malformed_lines_are_reported_with_file_and_line_and_the_rest_is_read(rule) -> None:
    result = gdelt.filter_file(CSV_A, rule)
    where = [(Path(f).name, line) for f, line, _ in result.malformed]
    assert where == [(CSV_A.name, 8), (CSV_A.name, 9), (CSV_A.name, 12)]
    reasons = [why for _, _, why in result.malformed]
    assert "wrong column count (60 instead of 61)" in reasons[0]
    assert "GoldsteinScale" in reasons[1] and "abc" in reasons[1]
    assert "Day" in reasons[2]
    text = "\n".join(gdelt.FilterReport([result]).lines())
    assert f"{CSV_A}:8: wrong column count" in text and "EUR 1" in text


def test_bad_numbers_are_caught_outside_the_registry_regions_too(rule, tmp_path: Path) -> None:
    lines = CSV_A.read_text(encoding="utf-8").split("\n")
    fields = lines[2].split("\t")
    assert fields[gdelt.COLUMNS.index("ActionGeo_ADM1Code")] == "US06"  # not a registry region
    fields[gdelt.COLUMNS.index("NumArticles")] = "7x"
    lines[2] = "\t".join(fields)
    path = tmp_path / "bad.export.CSV"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = gdelt.filter_file(path, rule)
    assert [line for _, line, _ in result.malformed] == [3, 8, 9, 12]
    assert "NumArticles" in result.malformed[0][2]
    assert result.rows_read == 12


def test_zip_input_gives_what_the_csv_gives(rule) -> None:
    plain = gdelt.filter_file(CSV_A, rule)
    zipped = gdelt.filter_file(ZIP_A, rule)
    columns = [c for c in gdelt.EVENT_COLUMNS if c != "source_file"]
    pd.testing.assert_frame_equal(plain.events[columns], zipped.events[columns])
    assert (plain.skipped, plain.rows_read) == (zipped.skipped, zipped.rows_read)
    assert [line for _, line, _ in zipped.malformed] == [8, 9, 12]
    assert all(f == str(ZIP_A) for f, _, _ in zipped.malformed)
    b = gdelt.filter_file(ZIP_B, rule)
    assert b.malformed[0][1:] == (4, "wrong column count (62 instead of 61)")


def test_one_run_over_several_files_reports_each_files_own_bad_numbers(rule, tmp_path) -> None:
    # run_duckdb reads all files on one DuckDB connection, in one scan per file that both
    # checks the numeric columns of every row and collects the region rows: each file's
    # malformed lines (bad numbers with their column, wrong column counts) are its own.
    lines = CSV_A.read_text(encoding="utf-8").split("\n")
    fields = lines[3].split("\t")  # line 4: RS48, a registry region
    fields[gdelt.COLUMNS.index("NumMentions")] = "ten"
    lines[3] = "\t".join(fields)
    fields = lines[2].split("\t")  # line 3: US06, not a registry region
    fields[gdelt.COLUMNS.index("AvgTone")] = "1,5"
    lines[2] = "\t".join(fields)
    bad = tmp_path / "bad.export.CSV"
    bad.write_text("\n".join(lines), encoding="utf-8")
    files = [CSV_A, bad, ZIP_B, CSV_A]
    report = gdelt.run_duckdb(files, rule)
    alone = [gdelt.filter_file(f, rule) for f in files]
    for got, expected in zip(report.files, alone, strict=True):
        assert got.malformed == expected.malformed
        pd.testing.assert_frame_equal(got.events, expected.events)
        assert (got.rows_read, got.rows_kept, got.skipped) == (
            expected.rows_read,
            expected.rows_kept,
            expected.skipped,
        )
    assert [(line, why.split(":")[0]) for f, line, why in report.malformed if f == str(bad)] == [
        (3, "bad value in AvgTone"),
        (4, "bad value in NumMentions"),
        (8, "wrong column count (60 instead of 61)"),
        (9, "bad value in GoldsteinScale"),
        (12, "bad value in Day"),
    ]
    assert [m[1] for m in report.files[0].malformed] == [8, 9, 12]
    assert [m[1] for m in report.files[3].malformed] == [8, 9, 12]
    assert report.files[1].rows_read == 12 and report.files[1].skipped[gdelt.SKIP_MALFORMED] == 5


def _reference(path: Path, rule: gdelt.Rule) -> tuple[list, Counter, Counter, int]:
    """The default rule row by row (docs/gdelt.md) on a file of well-formed lines."""
    events, skipped, unresolved, kept = [], Counter(), Counter(), 0
    for line in path.read_text(encoding="utf-8").splitlines():
        f = dict(zip(gdelt.COLUMNS, line.split("\t"), strict=True))
        region = rule.fips.get(f["ActionGeo_ADM1Code"])
        if region is None:
            skipped[gdelt.SKIP_REGION] += 1
            continue
        codes = []
        for code in (f["Actor1CountryCode"].strip(), f["Actor2CountryCode"].strip()):
            if code and code != rule.home and code not in codes:
                codes.append(code)
        unresolved.update(c for c in codes if c not in rule.partners)
        partners = list(dict.fromkeys(rule.partners[c] for c in codes if c in rule.partners))
        if not codes:
            skipped[gdelt.SKIP_NO_PARTNER] += 1
        elif not partners:
            skipped[gdelt.SKIP_UNRESOLVED] += 1
        else:
            kept += 1
        events += [(int(f["GlobalEventID"]), region, p, f["SOURCEURL"]) for p in partners]
    return sorted(events), skipped, unresolved, kept


def test_partner_rule_matches_a_row_by_row_reference(rule, tmp_path: Path) -> None:
    # odd actor codes (padded, repeated on both sides, home, empty, not countries) and
    # repeated event IDs, against the documented rule applied row by row
    rng = np.random.default_rng(13)
    actors = ["RUS", " RUS", "TUR", "TUR ", " DEU", "DEU", "", "  ", "AFR", "EUR ", "USA", "XYZ"]
    adm1 = ["RS73", "RS48", "RS", "US06", "RS01", "UP20", "RS99", "rs73"]
    base = CSV_A.read_text(encoding="utf-8").split("\n")[0].split("\t")
    lines = []
    for i in range(400):
        f = list(base)
        f[gdelt.COLUMNS.index("GlobalEventID")] = str(5000 + int(rng.integers(0, 150)))
        f[gdelt.COLUMNS.index("Actor1CountryCode")] = str(rng.choice(actors))
        f[gdelt.COLUMNS.index("Actor2CountryCode")] = str(rng.choice(actors))
        f[gdelt.COLUMNS.index("ActionGeo_ADM1Code")] = str(rng.choice(adm1))
        f[gdelt.COLUMNS.index("SOURCEURL")] = f"https://news.example.org/{i}"
        lines.append("\t".join(f))
    path = tmp_path / "odd.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = gdelt.filter_file(path, rule)
    events, skipped, unresolved, kept = _reference(path, rule)
    got = result.events
    columns = ["global_event_id", "region", "partner", "source_url"]
    rows = list(got[columns].itertuples(index=False, name=None))
    assert [r[0::2] for r in rows] == sorted(r[0::2] for r in rows)  # by event, then partner
    assert sorted(rows) == events
    assert result.skipped == skipped and result.unresolved == unresolved
    assert result.rows_kept == kept and result.rows_read == 400 and not result.malformed
    assert len(events) > 100 and set(unresolved) == {"AFR", "EUR", "XYZ"}


def test_fetch_files_inserts_and_a_rerun_adds_nothing(ledger: Store) -> None:
    spec = f"{CSV_A},{ZIP_B}"
    first = gdelt.fetch(ledger, files=spec)
    # 1001/TR is in both files: stored once
    assert first.inserted.rows == 8 and first.inserted.added == 7
    assert count_events(ledger) == 7
    again = gdelt.fetch(ledger, files=str(FIXTURES / "*.export.CSV"))
    assert again.inserted.added == 0 and again.inserted.duplicate == 5
    assert count_events(ledger) == 7
    stored = query_events(ledger)
    assert stored["connector"].unique().tolist() == [f"{gdelt.CONNECTOR}@{gdelt.VERSION}"]
    assert set(stored["source_file"]) == {str(CSV_A), str(ZIP_B)}


def test_nothing_is_written_for_a_batch_that_fails(ledger: Store, rule) -> None:
    events = gdelt.filter_file(CSV_A, rule).events
    bad = events.copy()
    bad.loc[bad.index[-1], "region"] = "RU-XX"  # not in the ledger's regions
    with pytest.raises(LedgerError):
        insert_events(ledger, bad, retrieved="2024-03-01T00:00:00Z", connector="t")
    assert count_events(ledger) == 0
    # a database error in the middle of the insert rolls everything back too
    broken = events.copy()
    broken.loc[broken.index[-1], "goldstein"] = None  # NOT NULL
    with pytest.raises(Exception):  # noqa: B017 (the driver's IntegrityError)
        insert_events(ledger, broken, retrieved="2024-03-01T00:00:00Z", connector="t")
    assert count_events(ledger) == 0


def test_events_query_filters(ledger: Store) -> None:
    gdelt.fetch(ledger, files=[str(CSV_A), str(ZIP_B)])
    assert len(query_events(ledger)) == 7
    assert set(query_events(ledger, region="Tatarstan")["partner"]) == {"TR", "DE"}
    assert query_events(ledger, partner="Turkey")["global_event_id"].tolist() == [1001, 1002, 1011]
    assert len(query_events(ledger, since=dt.date(2024, 3, 2))) == 0
    assert len(query_events(ledger, until=dt.date(2024, 3, 1), limit=2)) == 2
    with pytest.raises(KeyError, match="Atlantis"):
        query_events(ledger, partner="Atlantis")


# --------------------------------------------------------------------------------- the CLI
@pytest.fixture
def cli() -> Typer:
    app = Typer()
    fetch = Typer()
    fetch.command("gdelt")(cli_gdelt.fetch_gdelt)
    app.add_typer(fetch, name="fetch")
    app.command("events")(cli_gdelt.events)
    return app


def test_cli_fetch_and_events_formats(cli: Typer, ledger: Store) -> None:
    runner = CliRunner()
    db = ["--db", ledger.url]
    out = runner.invoke(cli, ["fetch", "gdelt", "--files", f"{CSV_A},{ZIP_B}", *db])
    assert out.exit_code == 0, out.output
    assert "read 16 rows, kept 7" in out.output
    assert "skipped 2: not in a registry region" in out.output
    assert f"{CSV_A}:9: bad value in GoldsteinScale" in out.output
    assert "7 added, 1 already" in out.output
    out = runner.invoke(cli, ["fetch", "gdelt", "--files", str(CSV_A), *db])
    assert "0 added, 5 already" in out.output
    csv = runner.invoke(cli, ["events", "--partner", "TR", "--format", "csv", *db])
    assert csv.exit_code == 0, csv.output
    lines = csv.output.strip().splitlines()
    assert lines[0].startswith("global_event_id,date,region,partner,event_code")
    assert len(lines) == 4
    js = json.loads(runner.invoke(cli, ["events", "--region", "RU-MOW", "-f", "json", *db]).output)
    assert [(e["global_event_id"], e["partner"], e["date"]) for e in js] == [
        (1007, "US", "2024-03-01")
    ]
    table = runner.invoke(cli, ["events", "--since", "2024-03-01", "--until", "2024", *db])
    assert table.exit_code == 0 and "GDELT events" in table.output and "1002" in table.output
    bad = runner.invoke(cli, ["events", "--format", "xml", *db])
    assert bad.exit_code == 2
    missing = runner.invoke(cli, ["fetch", "gdelt", *db])
    assert missing.exit_code == 2 and "--from" in missing.output


def test_cli_dry_run_writes_nothing(cli: Typer, ledger: Store) -> None:
    out = CliRunner().invoke(
        cli, ["fetch", "gdelt", "--files", str(CSV_A), "--dry-run", "--db", ledger.url]
    )
    assert out.exit_code == 0 and "dry run" in out.output
    assert count_events(ledger) == 0


# --------------------------------------------------------------------- the HTTP path (respx)
def test_master_file_list_selects_the_export_files_of_the_range() -> None:
    listed = gdelt.master_file_list((FIXTURES / "masterfilelist.txt").read_text())
    assert len(listed) == 12
    chosen = gdelt.export_urls(listed, dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    assert [f.name for f in chosen] == [
        "20240301000000.export.CSV.zip",
        "20240301001500.export.CSV.zip",
    ]


@respx.mock
def test_fetch_range_downloads_the_listed_exports_and_keeps_them(
    ledger: Store, tmp_path: Path, cli: Typer
) -> None:
    master = respx.get(gdelt.MASTER_URL).mock(
        return_value=httpx.Response(200, content=(FIXTURES / "masterfilelist.txt").read_bytes())
    )
    routes = {
        name: respx.get(BASE + name).mock(
            return_value=httpx.Response(200, content=(FIXTURES / name).read_bytes())
        )
        for name in ("20240301000000.export.CSV.zip", "20240301001500.export.CSV.zip")
    }
    cache = tmp_path / "cache"
    client = HttpClient(cache=cache, sleep=lambda _s: None)
    result = gdelt.fetch(ledger, start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 1), client=client)
    assert master.call_count == 1 and all(r.call_count == 1 for r in routes.values())
    assert result.report.rows_read == 16 and result.inserted.added == 7
    stored = query_events(ledger)
    assert set(stored["source_file"]) == {BASE + name for name in routes}
    assert any(str(m[0]).startswith(BASE) for m in result.report.malformed)
    # a re-run from the saved list, files reused from the cache: no download, nothing new
    out = CliRunner().invoke(
        cli,
        ["fetch", "gdelt", "--from", "2024-03-01", "--to", "2024-03-01", "--from-file",
         str(FIXTURES / "masterfilelist.txt"), "--cache", str(cache), "--db", ledger.url],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "0 added, 8 already" in out.output
    assert master.call_count == 1 and all(r.call_count == 1 for r in routes.values())


@respx.mock
def test_a_failed_download_writes_nothing(ledger: Store, cli: Typer) -> None:
    respx.get(BASE + "20240301000000.export.CSV.zip").mock(
        return_value=httpx.Response(200, content=ZIP_A.read_bytes())
    )
    respx.get(BASE + "20240301001500.export.CSV.zip").mock(return_value=httpx.Response(404))
    with pytest.raises(FetchError, match="HTTP 404"):
        gdelt.fetch(
            ledger,
            start=dt.date(2024, 3, 1),
            end=dt.date(2024, 3, 1),
            file_list=FIXTURES / "masterfilelist.txt",
            client=HttpClient(retries=0),
        )
    assert count_events(ledger) == 0
    out = CliRunner().invoke(
        cli,
        ["fetch", "gdelt", "--from", "2024-03-01", "--to", "2024-03-01", "--from-file",
         str(FIXTURES / "masterfilelist.txt"), "--db", ledger.url],
    )  # fmt: skip
    assert out.exit_code == 1 and "nothing was written" in out.output
    assert count_events(ledger) == 0


@respx.mock
def test_a_corrupted_download_is_refused(ledger: Store, tmp_path: Path) -> None:
    respx.get(BASE + "20240301000000.export.CSV.zip").mock(
        return_value=httpx.Response(200, content=b"truncated")
    )
    with pytest.raises(FetchError, match="MD5"):
        gdelt.download(
            gdelt.master_file_list((FIXTURES / "masterfilelist.txt").read_text())[3:4],
            HttpClient(retries=0),
            tmp_path,
        )


# ------------------------------------------------------------------------ climate, indicators
def _events(rows: list[tuple[str, str, str, int, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["date", "region", "partner", "quad_class", "goldstein", "avg_tone"]
    ).assign(num_mentions=1, date=lambda f: pd.to_datetime(f["date"]).dt.date)


def test_monthly_climate_and_suggested_level() -> None:
    config = ClimateConfig(min_events=2, window_months=2, levels={1: 1.0, 2: -1.0, 3: -3.0})
    events = _events(
        [
            ("2024-01-05", "RU-TA", "TR", 1, 3.0, 1.0),
            ("2024-01-20", "RU-TA", "TR", 2, 1.0, 1.0),  # Jan TR: mean 2.0 -> level 0
            ("2024-02-01", "RU-TA", "TR", 3, -2.0, 1.0),
            ("2024-02-02", "RU-MOW", "TR", 4, -6.0, 1.0),  # Feb TR: -4.0 -> 3
            ("2024-02-03", "RU-MOW", "US", 3, 0.0, 1.0),  # Feb US: one event -> none
            ("2024-03-03", "RU-MOW", "US", 3, -1.0, 1.0),
            ("2024-03-04", "RU-MOW", "US", 3, -1.0, 1.0),  # Mar US: -1.0 -> 1 (not below -1)
        ]
    )
    climate = monthly_climate(events, config)
    got = {(p, m): (n, c, lv) for p, m, n, c, lv in climate.itertuples(index=False)}
    assert got[("TR", "2024-01")][:2] == (2, 2.0) and got[("TR", "2024-01")][2] == 0
    assert got[("TR", "2024-02")][1:] == (-4.0, 3)
    assert got[("US", "2024-02")][0] == 1 and pd.isna(got[("US", "2024-02")][2])
    assert got[("US", "2024-03")][1:] == (-1.0, 1)
    # pooled over the last two months: TR Jan+Feb mean -1.0 -> 1; US Feb+Mar -2/3 -> 1
    assert suggested_level(events, "TR", config) == (1, -1.0, 4)
    assert suggested_level(events, "TR", config, until="2024-01-31") == (0, 2.0, 2)
    assert suggested_level(events, "DE", config) == (None, None, 0)
    weighted = ClimateConfig(weight="mentions", levels={1: 1.0, 2: -1.0, 3: -3.0})
    heavy = events.assign(num_mentions=[1, 3, 1, 1, 1, 1, 1])
    jan = monthly_climate(heavy, weighted).iloc[0]
    assert jan["climate"] == pytest.approx((3.0 + 3 * 1.0) / 4)


def test_climate_thresholds_are_validated_and_shipped() -> None:
    shipped = ClimateConfig.load()
    assert shipped.levels[1] > shipped.levels[2] > shipped.levels[3]
    assert shipped.level_of(np.array([5.0, 0.0, -2.0, -5.0])).tolist() == [0, 1, 2, 3]
    with pytest.raises(ValidationError, match="falling"):
        ClimateConfig(levels={1: -1.0, 2: 0.0, 3: -3.0})
    with pytest.raises(ValidationError, match="levels 1, 2 and 3"):
        ClimateConfig(levels={1: 1.0, 2: 0.0})
    with pytest.raises(ValidationError):
        ClimateConfig(levels={1: 1.0, 2: 0.0, 3: -3.0}, weight="tone")


def test_event_indicators_per_region_partner_year_and_per_region() -> None:
    events = _events(
        [
            ("2023-05-01", "RU-TA", "TR", 1, 2.0, 3.0),
            ("2023-06-01", "RU-TA", "TR", 4, -8.0, -5.0),
            ("2023-06-01", "RU-TA", "DE", 2, 4.0, 1.0),
            ("2024-01-01", "RU-TA", "TR", 1, 1.0, 0.0),
            ("2023-02-01", "RU-MOW", "US", 3, -4.0, -2.0),
        ]
    )
    table = event_indicators(events)
    ta_tr = table[(table["region"] == "RU-TA") & (table["partner"] == "TR")]
    first = ta_tr.iloc[0]
    assert (first["year"], first["events"], first["quad1"], first["quad4"]) == (2023, 2, 1, 1)
    assert first["mean_goldstein"] == -3.0 and first["mean_tone"] == -1.0
    assert ta_tr.iloc[1][["year", "events", "quad1"]].tolist() == [2024, 1, 1]
    assert len(table) == 4
    regions = region_event_indicators(events, 2023, ["RU-TA", "RU-MOW", "RU-AD"])
    assert regions.loc["RU-TA", "evt_events"] == 3 and regions.loc["RU-TA", "evt_partners"] == 2
    assert regions.loc["RU-TA", "evt_coop_share"] == pytest.approx(2 / 3)
    assert regions.loc["RU-TA", "evt_goldstein"] == pytest.approx(-2 / 3)
    assert regions.loc["RU-MOW", "evt_tone"] == -2.0
    assert regions.loc["RU-AD", "evt_events"] == 0 and np.isnan(regions.loc["RU-AD", "evt_tone"])
    assert event_indicators(events.iloc[:0]).empty


def test_real_format_column_list() -> None:
    assert len(gdelt.COLUMNS) == 61 and gdelt.COLUMNS[54] == "ActionGeo_ADM1Code"
    assert gdelt.COLUMNS[60] == "SOURCEURL" and len(set(gdelt.COLUMNS)) == 61


def test_files_option_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nothing matches"):
        gdelt.expand_files(str(tmp_path / "*.CSV"))
    shutil.copy(CSV_A, tmp_path / "a.CSV")
    assert gdelt.expand_files(str(tmp_path / "*.CSV")) == [tmp_path / "a.CSV"]
