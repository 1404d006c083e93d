"""Unit tests of :mod:`paradiplomacy.ledger.export` and :mod:`paradiplomacy.ledger.summary`.

Exports must never hand a spreadsheet a formula (OWASP CSV injection), must keep Cyrillic
readable in Excel (UTF-8 with BOM) and must say when data is synthetic. Summaries are checked
against counts worked out by hand for a small ledger.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from paradiplomacy import __version__
from paradiplomacy.ledger.export import (
    FORMULA_START,
    RECORD_COLUMNS,
    export_table,
    is_synthetic,
    neutralise,
)
from paradiplomacy.ledger.summary import data_origin, summarise
from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry import PartnerRegistry, RegionRegistry

FORMULAS = ["=SUM(A1:A2)", "+79991234567", "-2+3", "@cmd", "\tTab"]
PLAIN = ["plain text", "Республика Татарстан", "a=b", " =leading space", "'quoted"]


def read_csv_cells(path: Path) -> list[list[str]]:
    """Rows of a CSV file exactly as a spreadsheet would get them (BOM removed)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def registries() -> tuple[RegionRegistry, PartnerRegistry, Taxonomy]:
    return RegionRegistry.load(), PartnerRegistry.load(), Taxonomy.load()


# --- neutralise and CSV ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*FORMULAS, "\rCR"])
def test_neutralise_prefixes_formula_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [*PLAIN, "", -5, -5.5, None, dt.date(2021, 1, 1)])
def test_neutralise_leaves_other_values(value: object) -> None:
    assert neutralise(value) == value


def test_formula_start_covers_owasp_characters() -> None:
    assert set(FORMULA_START) >= {"=", "+", "-", "@", "\t", "\r"}


def test_csv_has_bom_and_neutralised_text(tmp_path: Path) -> None:
    n = len(FORMULAS) + len(PLAIN)
    frame = pd.DataFrame(
        {
            "text": FORMULAS + PLAIN,
            "magnitude": np.linspace(-5.5, 5.5, n),
            "count": np.arange(-3, n - 3, dtype=np.int64),
            "object_number": pd.Series([-7.25] * n, dtype=object),
        }
    )
    path = export_table(frame, tmp_path / "sub" / "table.csv", title="t")
    assert path == tmp_path / "sub" / "table.csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Республика Татарстан".encode() in data
    rows = read_csv_cells(path)
    assert rows[0] == ["text", "magnitude", "count", "object_number"]
    body = rows[1:]
    assert [r[0] for r in body] == ["'" + f for f in FORMULAS] + PLAIN
    # numbers are written as numbers, negative ones without the apostrophe
    assert [float(r[1]) for r in body] == pytest.approx(list(frame["magnitude"]))
    assert body[0][1] == "-5.5"
    assert [int(r[2]) for r in body] == list(range(-3, n - 3))
    assert body[0][2] == "-3"
    assert {r[3] for r in body} == {"-7.25"}
    # the frame itself is not changed
    assert list(frame["text"]) == FORMULAS + PLAIN


@pytest.mark.parametrize("text", ["\rCR", "line 1\rline 2"])
def test_csv_quotes_carriage_returns(tmp_path: Path, text: str) -> None:
    frame = pd.DataFrame({"note": [text, "next"], "value": [1, 2]})
    rows = read_csv_cells(export_table(frame, tmp_path / "t.csv", title="t"))
    assert rows == [["note", "value"], [neutralise(text), "1"], ["next", "2"]]


def test_csv_keeps_missing_values_and_string_dtype(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "name": pd.Series(["=1+1", None, "ok"], dtype="string"),
            "note": ["-x", np.nan, "y"],
            "value": [1.5, np.nan, -2.0],
        }
    )
    rows = read_csv_cells(export_table(frame, tmp_path / "t.csv", title="t"))
    assert rows[1:] == [["'=1+1", "'-x", "1.5"], ["", "", ""], ["ok", "y", "-2.0"]]


def test_csv_round_trips_plain_frames(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "region": ["RU-TA", "RU-SPE"],
            "name_ru": ["Татарстан", "Санкт-Петербург"],
            "year": [2020, 2021],
            "magnitude": [1234.5, 0.25],
        }
    )
    path = export_table(frame, tmp_path / "t.CSV", title="t")
    back = pd.read_csv(path, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


@pytest.mark.parametrize("name", ["t.txt", "t.xls", "t", "t.csv.gz"])
def test_unknown_extension_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=r"expected a \.csv or \.xlsx file name"):
        export_table(pd.DataFrame({"a": [1]}), tmp_path / name, title="t")
    assert not (tmp_path / name).exists()


# --- XLSX --------------------------------------------------------------------------------------


def _records_frame(source: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uid": ["a" * 32, "b" * 32, "c" * 32, "d" * 32],
            "region": ["RU-TA", "RU-TA", "RU-PSK", "RU-SPE"],
            "partner_name": ['=HYPERLINK("http://x")', "+7 495 000", "@SUM(1)", "-minus"],
            "date": [dt.date(2021, 6, 1), None, dt.date(2020, 1, 31), None],
            "year": [2021, 2020, 2020, 2019],
            "magnitude": [-5.5, 1.0, 1234.5, 0.0],
            "source": [source, source, source, source],
            "note": ["Дни культуры", None, "\tTab", "plain"],
        }
    )


def test_xlsx_text_cells_are_strings(tmp_path: Path) -> None:
    frame = _records_frame("https://example.org/x")
    path = export_table(frame, tmp_path / "r.xlsx", title="Activity records", columns={})
    book = load_workbook(path)
    assert book.sheetnames == ["data", "columns"]
    sheet = book["data"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == list(frame.columns)
    body = rows[1:]
    assert len(body) == 4
    header = list(frame.columns)
    names = [r[header.index("partner_name")] for r in body]
    assert [c.value for c in names] == list(frame["partner_name"])  # no apostrophe in XLSX
    assert {c.data_type for c in names} == {"s"}
    notes = [r[header.index("note")] for r in body]
    assert [c.value for c in notes] == ["Дни культуры", None, "\tTab", "plain"]
    assert notes[2].data_type == "s"
    magnitudes = [r[header.index("magnitude")] for r in body]
    assert [c.value for c in magnitudes] == [-5.5, 1, 1234.5, 0]
    assert {c.data_type for c in magnitudes} == {"n"}
    assert [r[header.index("year")].value for r in body] == [2021, 2020, 2020, 2019]
    dates = [r[header.index("date")].value for r in body]
    assert dates[0] == dt.datetime(2021, 6, 1)
    assert dates[1] is None
    with zipfile.ZipFile(path) as archive:
        xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets")
        )
    assert "<f>" not in xml and "<f " not in xml


def _about(path: Path) -> list[tuple]:
    return list(load_workbook(path)["columns"].iter_rows(values_only=True))


def test_xlsx_columns_sheet_describes_columns(tmp_path: Path) -> None:
    frame = _records_frame("https://example.org/x").assign(extra=1)
    path = export_table(
        frame, tmp_path / "r.xlsx", title="Activity records", columns=RECORD_COLUMNS
    )
    about = _about(path)
    assert about[0][0] == "Activity records"
    assert about[1][0] == f"Written by paradiplomacy {__version__} on {dt.date.today().isoformat()}"
    assert not any("SYNTHETIC" in str(cell) for row in about for cell in row)
    start = about.index(("column", "description"))
    described = {row[0]: row[1] or "" for row in about[start + 1 :]}
    assert list(described) == list(frame.columns)
    for column in frame.columns:
        assert described[column] == RECORD_COLUMNS.get(column, "")
    assert described["extra"] == ""
    assert "BLAKE2b" in described["uid"]


def test_xlsx_marks_synthetic_data(tmp_path: Path) -> None:
    path = export_table(
        _records_frame("synthetic:1.0"), tmp_path / "s.xlsx", title="Demo", columns=RECORD_COLUMNS
    )
    about = _about(path)
    assert about[0][0] == "Demo"
    assert about[1][0].startswith("SYNTHETIC DATA")
    assert "not real facts" in about[1][0]


def test_xlsx_synthetic_line_needs_a_synthetic_source(tmp_path: Path) -> None:
    frame = _records_frame("https://example.org/synthetic:1")  # "synthetic:" not at the start
    about = _about(export_table(frame, tmp_path / "n.xlsx", title="t"))
    assert not any("SYNTHETIC" in str(cell) for row in about for cell in row)
    no_source = _records_frame("x").drop(columns="source")
    about = _about(export_table(no_source, tmp_path / "m.xlsx", title="t"))
    assert not any("SYNTHETIC" in str(cell) for row in about for cell in row)


def test_xlsx_of_an_empty_frame(tmp_path: Path) -> None:
    frame = pd.DataFrame(columns=["uid", "source"])
    book = load_workbook(export_table(frame, tmp_path / "e.xlsx", title="t"))
    assert [r for r in book["data"].iter_rows(values_only=True)] == [("uid", "source")]


# --- is_synthetic and data_origin --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (["synthetic:1.0"], True),
        (["https://example.org", "synthetic:1.0"], True),
        (["https://example.org"], False),
        (["Synthetic:1.0"], False),
        (["see synthetic:1.0"], False),
        ([None, np.nan], False),
        ([], False),
    ],
)
def test_is_synthetic(sources: list, expected: bool) -> None:
    assert is_synthetic(pd.DataFrame({"source": pd.Series(sources, dtype=object)})) is expected


def test_is_synthetic_without_source_column() -> None:
    assert is_synthetic(pd.DataFrame({"note": ["synthetic:1.0"]})) is False


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (["synthetic:1", "synthetic:2"], "synthetic"),
        (["synthetic:1", "https://x"], "mixed (synthetic and real)"),
        (["https://x"], "real"),
        ([], "real"),
    ],
)
def test_data_origin(sources: list[str], expected: str) -> None:
    assert data_origin(pd.DataFrame({"source": pd.Series(sources, dtype=object)})) == expected


# --- summarise ---------------------------------------------------------------------------------

# region, partner, instrument, year. RU-DPR is outside the default scope (study-2021).
HAND_MADE = [
    ("RU-TA", "TR", "agreement", 2019),  # state
    ("RU-TA", "DE", "trade", 2020),
    ("RU-TA", "TR", "cultural_event", 2020),
    ("RU-TA", "KZ", "official_visit", 2021),  # state
    ("RU-PSK", "EE", "twinning", 2021),
    ("RU-PSK", "EE", "agreement", 2021),  # state
    ("RU-PSK", "LV", "official_visit", 2021),  # state
    ("RU-MOW", "CN", "trade", 2019),
    ("RU-DPR", "UA", "cultural_event", 2021),
]


def hand_made(source: str = "https://example.org/evidence") -> pd.DataFrame:
    frame = pd.DataFrame(HAND_MADE, columns=["region", "partner_country", "instrument", "year"])
    return frame.assign(source=source, status="active", magnitude=1.0)


@pytest.fixture(scope="module")
def tables(registries) -> dict[str, pd.DataFrame]:
    return summarise(hand_made(), *registries)


def test_summary_by_region(tables: dict[str, pd.DataFrame]) -> None:
    by_region = tables["by_region"]
    assert list(by_region.columns) == [
        "data_origin",
        "code",
        "name_en",
        "name_ru",
        "records",
        "partners",
        "instruments",
        "state_share",
        "first_year",
        "last_year",
    ]
    assert len(by_region) == 85
    assert set(by_region["data_origin"]) == {"real"}
    top = by_region.head(3).set_index("code")
    assert list(top.index) == ["RU-TA", "RU-PSK", "RU-MOW"]  # by records, then code
    assert top.loc["RU-TA", "name_ru"] == "Республика Татарстан"
    # RU-TA: 4 records; partners TR, DE, KZ; 4 instruments; agreement + official_visit are state
    assert tuple(top.loc["RU-TA", ["records", "partners", "instruments"]]) == (4, 3, 4)
    assert top.loc["RU-TA", "state_share"] == 0.5
    assert (top.loc["RU-TA", "first_year"], top.loc["RU-TA", "last_year"]) == (2019, 2021)
    # RU-PSK: 3 records; partners EE, LV; 3 instruments; 2 of 3 state, rounded to 3 places
    assert tuple(top.loc["RU-PSK", ["records", "partners", "instruments"]]) == (3, 2, 3)
    assert top.loc["RU-PSK", "state_share"] == 0.667
    assert (top.loc["RU-PSK", "first_year"], top.loc["RU-PSK", "last_year"]) == (2021, 2021)
    # RU-MOW: 1 trade record
    assert tuple(top.loc["RU-MOW", ["records", "partners", "instruments"]]) == (1, 1, 1)
    assert top.loc["RU-MOW", "state_share"] == 0.0
    rest = by_region.iloc[3:]
    assert (rest[["records", "partners", "instruments"]] == 0).all().all()
    assert rest["state_share"].isna().all()
    assert list(rest["code"]) == sorted(rest["code"])
    assert "RU-DPR" not in set(by_region["code"])


def test_summary_by_instrument(tables: dict[str, pd.DataFrame], registries) -> None:
    taxonomy = registries[2]
    by_instrument = tables["by_instrument"].set_index("instrument")
    assert list(by_instrument.index) == list(taxonomy.instruments)
    assert list(tables["by_instrument"].columns) == [
        "data_origin",
        "instrument",
        "nature",
        "channel",
        "records",
        "regions",
        "partners",
    ]
    expected = {
        "agreement": (2, 2, 2),  # TA-TR, PSK-EE
        "trade": (2, 2, 2),  # TA-DE, MOW-CN
        "official_visit": (2, 2, 2),  # TA-KZ, PSK-LV
        "cultural_event": (1, 1, 1),  # TA-TR (the DPR record is out of scope)
        "twinning": (1, 1, 1),  # PSK-EE
    }
    for instrument, row in by_instrument.iterrows():
        counts = tuple(row[["records", "regions", "partners"]])
        assert counts == expected.get(instrument, (0, 0, 0)), instrument
        assert row["nature"] == taxonomy.instruments[instrument].nature
        assert row["channel"] == taxonomy.instruments[instrument].channel
    assert by_instrument.loc["agreement", "nature"] == "state"
    assert by_instrument.loc["trade", "channel"] == "economic"


def test_summary_by_partner(tables: dict[str, pd.DataFrame]) -> None:
    by_partner = tables["by_partner"]
    assert list(by_partner["partner_country"]) == ["EE", "TR", "CN", "DE", "KZ", "LV"]
    rows = by_partner.set_index("partner_country")
    expected = {
        "EE": (2, 1, 2021, 2021),
        "TR": (2, 1, 2019, 2020),
        "CN": (1, 1, 2019, 2019),
        "DE": (1, 1, 2020, 2020),
        "KZ": (1, 1, 2021, 2021),
        "LV": (1, 1, 2021, 2021),
    }
    for code, counts in expected.items():
        assert tuple(rows.loc[code, ["records", "regions", "first_year", "last_year"]]) == counts
    assert rows.loc["DE", "name_en"] == "Germany"
    assert rows.loc["DE", "name_ru"] == "Германия"
    assert rows.loc["KZ", "macro_region"] == "eurasia_cis"
    assert rows.loc["CN", "macro_region"] == "asia_pacific"
    assert "UA" not in rows.index


def test_summary_by_year(tables: dict[str, pd.DataFrame]) -> None:
    by_year = tables["by_year"]
    assert list(by_year.columns) == [
        "data_origin",
        "year",
        "all",
        "asia_pacific",
        "eurasia_cis",
        "europe",
    ]
    got = [tuple(int(v) for v in row) for row in by_year.drop(columns="data_origin").to_numpy()]
    assert got == [
        (2019, 2, 1, 0, 1),  # MOW-CN; TA-TR
        (2020, 2, 0, 0, 2),  # TA-DE, TA-TR
        (2021, 4, 0, 1, 3),  # TA-KZ; PSK-EE, PSK-EE, PSK-LV
    ]


def test_summary_totals_agree(tables: dict[str, pd.DataFrame]) -> None:
    in_scope = len(HAND_MADE) - 1
    assert tables["by_region"]["records"].sum() == in_scope
    assert tables["by_instrument"]["records"].sum() == in_scope
    assert tables["by_partner"]["records"].sum() == in_scope
    assert tables["by_year"]["all"].sum() == in_scope


def test_summary_other_scope(registries) -> None:
    tables = summarise(hand_made(), *registries, scope="rf-2023")
    by_region = tables["by_region"].set_index("code")
    assert len(by_region) == 89
    assert by_region.loc["RU-DPR", "records"] == 1
    assert by_region.loc["RU-DPR", "state_share"] == 0.0
    assert tables["by_instrument"].set_index("instrument").loc["cultural_event", "records"] == 2
    assert tables["by_year"]["all"].sum() == len(HAND_MADE)


@pytest.mark.parametrize(
    ("sources", "origin"),
    [
        ("synthetic:1.0", "synthetic"),
        (["synthetic:1.0"] * 8 + ["https://x"], "mixed (synthetic and real)"),
    ],
)
def test_summary_data_origin(registries, sources: object, origin: str) -> None:
    tables = summarise(hand_made().assign(source=sources), *registries)
    for name, table in tables.items():
        assert table.columns[0] == "data_origin", name
        assert set(table["data_origin"]) == {origin}, name


def test_summary_of_no_records(registries) -> None:
    empty = hand_made().iloc[:0]
    tables = summarise(empty, *registries)
    assert set(tables["by_region"]["data_origin"]) == {"none"}
    assert tables["by_region"]["records"].sum() == 0
    assert len(tables["by_partner"]) == 0
    assert len(tables["by_year"]) == 0
    assert list(tables["by_instrument"]["records"]) == [0] * len(registries[2].instruments)


def test_summary_by_region_years_are_written_as_integers(tables, tmp_path: Path) -> None:
    """Years are years ('2019', not '2019.0'), even with regions that have no records."""
    path = export_table(tables["by_region"], tmp_path / "summary_by_region.csv", title="t")
    rows = {r[1]: r for r in read_csv_cells(path)[1:]}
    assert rows["RU-TA"][-2:] == ["2019", "2021"]
    assert rows["RU-PSK"][-2:] == ["2021", "2021"]
    assert rows["RU-AD"][-2:] == ["", ""]
