"""Property-based tests (hypothesis) of name matching, parsing, uids and the import.

The properties are the promises of the module docstrings: names match whatever their case,
``ё``/``е`` and surrounding whitespace; numbers and dates parse back from the spellings people
use; a record's uid depends on its content only, not on how its region, partner, instrument,
date or numbers were spelled; and an import with one bad cell reports exactly that cell and
writes nothing. Each example of the import properties gets a fresh copy of a template ledger.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import itertools
import math
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from paradiplomacy.ledger.export import export_table
from paradiplomacy.ledger.importer import import_file, import_frame
from paradiplomacy.ledger.parsing import PLACEHOLDERS, parse_date, parse_number, parse_numbers
from paradiplomacy.ledger.store import Store
from paradiplomacy.ledger.taxonomy import STATUSES, Taxonomy
from paradiplomacy.ledger.validation import RECORD_FIELDS, fingerprint
from paradiplomacy.registry import PartnerRegistry, RegionRegistry
from paradiplomacy.text import normalise_name

REGIONS = RegionRegistry.load()
PARTNERS = PartnerRegistry.load()
TAXONOMY = Taxonomy.load()
REGISTRIES = {"regions": REGIONS, "partners": PARTNERS, "taxonomy": TAXONOMY}

FAST = settings(max_examples=100, deadline=None)
MEDIUM = settings(max_examples=50, deadline=None)
SLOW = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # each example imports into a new ledger; shrinking a failure would take minutes, so a
    # failure is reported as found (at most 8 records)
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)

# --- normalise_name ----------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
PUNCTUATION = " \t\n\u00a0.-‐‑‒–—―'’ʼ`´«»“”\"(),0123456789"
names = st.text(alphabet=LETTERS + CYRILLIC + PUNCTUATION, max_size=30)
whitespace = st.text(alphabet=" \t\n\r\u00a0\u2009\u3000", max_size=4)


@FAST
@given(names)
def test_normalise_name_is_idempotent(text: str) -> None:
    key = normalise_name(text)
    assert normalise_name(key) == key


@FAST
@given(names)
def test_normalise_name_ignores_case(text: str) -> None:
    key = normalise_name(text)
    assert normalise_name(text.upper()) == key
    assert normalise_name(text.lower()) == key
    assert normalise_name(text.swapcase()) == key


@FAST
@given(names)
def test_normalise_name_treats_yo_as_ye(text: str) -> None:
    key = normalise_name(text)
    assert "ё" not in key
    assert normalise_name(text.replace("ё", "е").replace("Ё", "Е")) == key
    assert normalise_name(text.replace("е", "ё").replace("Е", "Ё")) == key


@FAST
@given(names, whitespace, whitespace)
def test_normalise_name_ignores_surrounding_whitespace(text: str, before: str, after: str) -> None:
    key = normalise_name(text)
    assert normalise_name(before + text + after) == key
    assert key == key.strip()


def test_decomposed_unicode_names_match() -> None:
    nfd = unicodedata.normalize("NFD", "Приморский край")
    assert nfd != "Приморский край"
    assert REGIONS.resolve(nfd) == "RU-PRI"
    assert normalise_name(unicodedata.normalize("NFD", "Орёл")) == normalise_name("Орел")


# --- parse_number ------------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False)
decimals = st.integers(min_value=0, max_value=6)
THOUSANDS = [" ", "\u00a0", "\u202f"]


def group_thousands(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def with_thousands(text: str, separator: str) -> str:
    """``-1234567.5`` -> ``-1 234 567,5`` (decimal comma, grouped integer part)."""
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    grouped = sign + group_thousands(whole, separator)
    return f"{grouped},{fraction}" if fraction else grouped


def assert_parses_to(text: str, expected: float) -> None:
    value = parse_number(text)
    assert value is not None, text
    assert value == expected, text
    values, ok = parse_numbers(pd.Series([text, " " + text + " "], dtype=object))
    assert ok.all(), text
    assert list(values) == [expected, expected], text


@FAST
@given(finite)
def test_parse_number_reads_python_floats_exactly(x: float) -> None:
    assert_parses_to(repr(x), x)


@FAST
@given(moderate, decimals)
def test_parse_number_point(x: float, places: int) -> None:
    text = f"{x:.{places}f}"
    assert_parses_to(text, float(text))
    assert parse_number(text) == pytest.approx(x, rel=1e-12, abs=0.51 * 10.0**-places)


@FAST
@given(moderate, decimals)
def test_parse_number_decimal_comma(x: float, places: int) -> None:
    text = f"{x:.{places}f}"
    assert_parses_to(text.replace(".", ","), float(text))


@FAST
@given(moderate, decimals, st.sampled_from(THOUSANDS))
def test_parse_number_spaces_and_decimal_comma(x: float, places: int, separator: str) -> None:
    text = f"{x:.{places}f}"
    spelled = with_thousands(text, separator)
    assert_parses_to(spelled, float(text))


@FAST
@given(moderate, st.integers(min_value=1, max_value=6))
def test_parse_number_comma_thousands_with_decimal_point(x: float, places: int) -> None:
    assert_parses_to(f"{x:,.{places}f}", float(f"{x:.{places}f}"))


@FAST
@given(st.sampled_from(sorted(PLACEHOLDERS)), whitespace, whitespace, st.booleans())
def test_placeholders_are_never_numbers(mark: str, before: str, after: str, upper: bool) -> None:
    text = before + (mark.upper() if upper else mark) + after
    assert parse_number(text) is None
    assert parse_number(text, percent=True) is None
    values, ok = parse_numbers(pd.Series([text, "1"], dtype=object))
    assert list(ok) == [False, True]
    assert math.isnan(values[0])


def test_percent_divides_by_100() -> None:
    assert parse_number("50%", percent=True) == 0.5
    assert parse_number("50%") is None


def test_percent_equals_the_decimal_fraction() -> None:
    differ = [
        k for k in range(101) if parse_number(f"{k}%", percent=True) != parse_number(repr(k / 100))
    ]
    assert differ == []


# --- parse_date --------------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))


@FAST
@given(dates, whitespace, whitespace)
def test_parse_date_reads_valid_dates(day: dt.date, before: str, after: str) -> None:
    spellings = [
        day.isoformat(),
        f"{day.day:02d}.{day.month:02d}.{day.year:04d}",
        f"{day.day}.{day.month}.{day.year}",
    ]
    for text in spellings:
        assert parse_date(text) == day, text
        assert parse_date(before + text + after) == day, text


@st.composite
def impossible_dates(draw: st.DrawFn) -> tuple[int, int, int]:
    year = draw(st.integers(min_value=1000, max_value=9999))
    if draw(st.booleans()):
        month = draw(st.integers(min_value=1, max_value=12))
        last = calendar.monthrange(year, month)[1]
        day = draw(st.integers(min_value=last + 1, max_value=99) | st.just(0))
    else:
        month = draw(st.sampled_from([0, *range(13, 100)]))
        day = draw(st.integers(min_value=1, max_value=28))
    return year, month, day


@FAST
@given(impossible_dates())
def test_parse_date_refuses_impossible_dates(date: tuple[int, int, int]) -> None:
    year, month, day = date
    assert parse_date(f"{year:04d}-{month:02d}-{day:02d}") is None
    assert parse_date(f"{day:02d}.{month:02d}.{year:04d}") is None
    assert parse_date(f"{day}.{month}.{year}") is None


def test_parse_date_leap_years() -> None:
    assert parse_date("29.02.2024") == dt.date(2024, 2, 29)
    assert parse_date("29.02.2023") is None
    assert parse_date("2000-02-29") == dt.date(2000, 2, 29)
    assert parse_date("1900-02-29") is None


# --- fingerprint -------------------------------------------------------------------------------

COLUMNS = ["text", "optional", "number", "count", "day"]
values_of = {
    "text": st.text(min_size=1, max_size=20),
    "optional": st.none() | st.text(min_size=1, max_size=20),
    "number": st.floats(allow_nan=False, allow_infinity=False),
    "count": st.integers(min_value=-(2**62), max_value=2**62),
    "day": st.none() | st.dates(),
}
rows = st.tuples(*(values_of[c] for c in COLUMNS))


def frame_of(data: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(data, columns=COLUMNS).astype({"number": float, "count": np.int64})
    frame["day"] = pd.Series([r[4] for r in data], dtype=object)
    frame["optional"] = pd.Series([r[1] for r in data], dtype=object)
    return frame


def expected_uid(row: tuple) -> str:
    text, optional, number, count, day = row
    parts = [text, optional or "", repr(float(number)), str(count), day.isoformat() if day else ""]
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()


@MEDIUM
@given(st.lists(rows, min_size=1, max_size=6))
@example([("0", None, 0.0, 0, None), ("0", None, -0.0, 0, None)])  # equal values, two reprs
def test_fingerprint_is_the_documented_hash(data: list[tuple]) -> None:
    frame = frame_of(data)
    uids = fingerprint(frame, COLUMNS)
    assert list(uids) == [expected_uid(r) for r in data]
    assert list(fingerprint(frame, COLUMNS)) == list(uids)  # deterministic
    assert list(fingerprint(frame.iloc[::-1], COLUMNS)) == list(uids[::-1])  # not positional


@MEDIUM
@given(st.lists(rows, min_size=1, max_size=5), st.data())
def test_equal_rows_give_equal_uids(data: list[tuple], draw: st.DataObject) -> None:
    index = draw.draw(st.integers(min_value=0, max_value=len(data) - 1))
    frame = frame_of([*data, data[index]])
    uids = fingerprint(frame, COLUMNS)
    assert uids[-1] == uids[index]
    assert fingerprint(frame_of([data[index]]), COLUMNS)[0] == uids[index]


@MEDIUM
@given(st.lists(rows, min_size=1, max_size=5), st.data())
def test_changing_one_field_changes_the_uid(data: list[tuple], draw: st.DataObject) -> None:
    index = draw.draw(st.integers(min_value=0, max_value=len(data) - 1))
    field = draw.draw(st.integers(min_value=0, max_value=len(COLUMNS) - 1))
    old = data[index][field]
    new = draw.draw(values_of[COLUMNS[field]])
    if COLUMNS[field] == "number":
        assume(repr(float(new)) != repr(float(old)))
    else:
        assume((new or "") != (old or ""))
    changed = [*data]
    changed[index] = tuple(new if i == field else v for i, v in enumerate(data[index]))
    before = fingerprint(frame_of(data), COLUMNS)
    after = fingerprint(frame_of(changed), COLUMNS)
    assert after[index] != before[index]
    others = [i for i in range(len(data)) if i != index]
    assert list(after[others]) == list(before[others])


# --- records for the import properties ---------------------------------------------------------

REGION_SPELLINGS = {r.code: r.spellings() for r in REGIONS.regions("all")}
PARTNER_SPELLINGS = {
    row.alpha2: [
        row.alpha2,
        row.alpha3,
        row.name_en,
        row.name_ru,
        *filter(None, row.aliases.split("|")),
    ]
    for row in PARTNERS.to_frame().itertuples(index=False)
    if row.alpha2 != REGIONS.country
}
INSTRUMENT_SPELLINGS = {
    k: [k, k.replace("_", " "), v.label_en, v.label_ru] for k, v in TAXONOMY.instruments.items()
}
UNITS = ["count", "млн долл. США", "persons"]
TEXT = LETTERS + CYRILLIC + " ,;\"'()./0123456789"
FORMULA_START = ("=", "+", "-", "@")
free_text = st.none() | st.text(alphabet=TEXT, min_size=1, max_size=15).map(str.strip).filter(
    lambda t: t and not t.startswith(FORMULA_START)
)


@st.composite
def records(draw: st.DrawFn) -> tuple:
    """A record's canonical content (what the ledger stores)."""
    when = draw(
        st.tuples(
            st.just("date"),
            st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2024, 12, 31)),
        )
        | st.tuples(st.just("year"), st.integers(min_value=2000, max_value=2024))
    )
    return (
        draw(st.sampled_from(sorted(REGION_SPELLINGS))),
        draw(st.sampled_from(sorted(PARTNER_SPELLINGS))),
        draw(free_text),  # partner_name
        draw(st.sampled_from(sorted(INSTRUMENT_SPELLINGS))),
        when,
        draw(st.sampled_from(STATUSES)),
        draw(st.integers(min_value=0, max_value=10**7)),  # magnitude in hundredths
        draw(st.sampled_from(UNITS)),
        f"https://example.org/evidence/{draw(st.integers(min_value=0, max_value=50))}",
        draw(st.integers(min_value=0, max_value=100)),  # confidence in hundredths
        draw(free_text),  # note
    )


record_sets = st.lists(records(), min_size=1, max_size=8, unique=True)


def spell_number(draw: st.DrawFn, value: float) -> object:
    text = repr(value)
    return draw(
        st.sampled_from(
            [value, text, text.replace(".", ","), with_thousands(text, "\u00a0"), f" {text} "]
        )
    )


def _writable(spellings: list[str], encoding: str) -> list[str]:
    ok = []
    for text in spellings:
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            continue
        ok.append(text)
    return ok


def spell(
    draw: st.DrawFn, record: tuple, upper: bool = True, encoding: str = "utf-8"
) -> dict[str, object]:
    """One way a person might write ``record`` in an import file (in capitals if ``upper``),
    with names that ``encoding`` can write."""
    region, partner, partner_name, instrument, when, status, magnitude, unit, source, conf, note = (
        record
    )
    case = draw(st.sampled_from([str, str.upper, str.lower] if upper else [str, str.lower]))
    row: dict[str, object] = {
        "region": case(draw(st.sampled_from(_writable(REGION_SPELLINGS[region], encoding)))),
        "partner_country": case(
            draw(st.sampled_from(_writable(PARTNER_SPELLINGS[partner], encoding)))
        ),
        "partner_name": partner_name or "",
        "instrument": case(draw(st.sampled_from(INSTRUMENT_SPELLINGS[instrument]))),
        "status": draw(st.sampled_from([status, status.upper(), status.title()]))
        if status != "active" or draw(st.booleans())
        else "",
        "magnitude": spell_number(draw, magnitude / 100)
        if magnitude != 100 or draw(st.booleans())
        else "",
        "unit": unit if unit != "count" or draw(st.booleans()) else "",
        "source": source,
        "confidence": spell_number(draw, conf / 100) if conf != 100 or draw(st.booleans()) else "",
        "note": note or "",
    }
    kind, value = when
    if kind == "date":
        row["date"] = draw(
            st.sampled_from(
                [
                    value.isoformat(),
                    f"{value.day:02d}.{value.month:02d}.{value.year}",
                    f"{value.day}.{value.month}.{value.year}",
                ]
            )
        )
        row["year"] = draw(st.sampled_from(["", str(value.year), value.year]))
    else:
        row["date"] = ""
        row["year"] = draw(st.sampled_from([str(value), value, f"{value}.0"]))
    return row


def spelled_frame(
    draw: st.DrawFn, data: list[tuple], upper: bool = True, encoding: str = "utf-8"
) -> pd.DataFrame:
    columns = list(RECORD_FIELDS)
    rows = [spell(draw, r, upper, encoding) for r in data]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) or value == "" else str(value)


def stored_content(store: Store) -> list[tuple]:
    """The ledger's current records as canonical tuples, in import order."""
    frame = store.records()
    out = []
    for r in frame.itertuples(index=False):
        when = ("date", r.date) if pd.notna(r.date) else ("year", int(r.year))
        out.append(
            (
                r.region,
                r.partner_country,
                _text(r.partner_name),
                r.instrument,
                when,
                r.status,
                round(r.magnitude * 100),
                r.unit,
                r.source,
                round(r.confidence * 100),
                _text(r.note),
            )
        )
    return out


# --- fresh ledgers per example -----------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="paradiplomacy-props-") as folder:
        yield Path(folder)


BASELINE = (
    "region,partner_country,instrument,year,source\n"
    "Pskov Oblast,EE,cultural_event,2018,https://example.org/baseline/1\n"
    "Saint Petersburg,FI,twinning,2015,https://example.org/baseline/2\n"
)


@pytest.fixture(scope="module")
def template(workdir: Path) -> Path:
    """An initialised ledger holding two baseline records."""
    path = workdir / "template.sqlite"
    store = Store(path, **REGISTRIES)
    store.init()
    (workdir / "baseline.csv").write_text(BASELINE, encoding="utf-8")
    assert import_file(store, workdir / "baseline.csv", "records").rows_added == 2
    store.engine.dispose()  # checkpoints the WAL into the file, which can then be copied
    return path


@pytest.fixture(scope="module")
def fresh_store(workdir: Path, template: Path):
    """Make a store on a new copy of the template (one per hypothesis example)."""
    counter = itertools.count()
    stores: list[Store] = []

    def make() -> Store:
        path = workdir / f"example-{next(counter)}.sqlite"
        shutil.copyfile(template, path)
        store = Store(path, **REGISTRIES)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.engine.dispose()


# --- import properties -------------------------------------------------------------------------

PROVENANCE = ["uid", "batch_id", "source_row", "supersedes"]


@SLOW
@given(record_sets, st.data())
def test_import_round_trip(fresh_store, workdir: Path, data: list[tuple], draw) -> None:
    store = fresh_store()
    n = len(data)
    frame = spelled_frame(draw.draw, data)

    first = import_frame(store, frame, "records", raise_on_error=False)
    assert first.ok, first.problems.lines()
    assert (first.rows_added, first.rows_duplicate) == (n, 0)
    assert store.counts()["records"] == n + 2
    assert stored_content(store)[2:] == data
    uids = set(store.records()["uid"])

    again = import_frame(store, frame, "records", raise_on_error=False)
    assert again.ok and again.rows_added == 0
    assert again.previous_batch == first.batch_id

    respelled = spelled_frame(draw.draw, data).iloc[::-1]
    respelled["source"] = " " + respelled["source"] + " "  # stripped on import; a new SHA-256
    other = import_frame(store, respelled, "records", name="respelled", raise_on_error=False)
    assert other.ok, other.problems.lines()
    assert (other.rows_added, other.rows_duplicate) == (0, n)

    exported = export_table(
        store.records().drop(columns=PROVENANCE),
        workdir / f"export-{first.sha256[:16]}.csv",
        title="records",
    )
    back = import_file(store, exported, "records", raise_on_error=False)
    assert back.ok, back.problems.lines()
    assert (back.rows_read, back.rows_added, back.rows_duplicate) == (n + 2, 0, n + 2)
    assert store.counts()["records"] == n + 2
    assert set(store.records()["uid"]) == uids


BAD_CELLS = {
    "region": ["Нарния", "Atlantis Oblast", "RU-XX", "Татарстанн"],
    "magnitude": ["-1", "-0,5", "-1 234,5", "-0.01"],
    "confidence": ["1.5", "1,01", "2", "150%"],
    "date": ["31.02.2021", "2021-13-01", "2021-02-30", "32.01.2020", "01/02/2021", "вчера"],
}


def test_bad_cells_are_bad() -> None:
    assert all(REGIONS.resolve(v) is None for v in BAD_CELLS["region"])
    assert all(parse_number(v) < 0 for v in BAD_CELLS["magnitude"])
    assert all(parse_number(v, percent=True) > 1 for v in BAD_CELLS["confidence"])
    assert all(parse_date(v) is None for v in BAD_CELLS["date"])


def snapshot(store: Store) -> dict[str, object]:
    return {
        "counts": store.counts(),
        "records": store.records(current=False),
        "batches": store.batches(),
    }


@SLOW
@given(
    record_sets,
    st.data(),
    st.sampled_from(sorted(BAD_CELLS)),
    st.sampled_from([(",", "utf-8"), (";", "cp1251"), ("\t", "utf-8-sig")]),
)
def test_one_bad_cell_is_reported_and_nothing_written(
    fresh_store, workdir: Path, data: list[tuple], draw, column: str, dialect: tuple[str, str]
) -> None:
    store = fresh_store()
    separator, encoding = dialect
    frame = spelled_frame(draw.draw, data, upper=True, encoding=encoding)
    row = draw.draw(st.integers(min_value=0, max_value=len(frame) - 1), label="bad row")
    bad = draw.draw(st.sampled_from(BAD_CELLS[column]), label="bad value")
    frame.iloc[row, frame.columns.get_loc(column)] = bad
    path = workdir / f"bad-{abs(hash((tuple(data), row, bad, separator))):x}.csv"
    raw = frame.to_csv(index=False, sep=separator).encode(encoding)
    path.write_bytes(raw)
    before = snapshot(store)

    report = import_file(store, path, "records", raise_on_error=False)

    assert not report.ok
    assert len(report.problems) == 1, report.problems.lines()
    problem = report.errors[0]
    assert (problem.row, problem.column) == (row + 2, column), str(problem)
    assert repr(bad.strip()) in problem.got or bad in problem.got, str(problem)
    assert str(problem).startswith(f"{path.name}:{row + 2}:{column}: expected ")
    assert report.summary().endswith("nothing was written")
    after = snapshot(store)
    assert after["counts"] == before["counts"]
    pd.testing.assert_frame_equal(after["records"], before["records"])
    pd.testing.assert_frame_equal(after["batches"], before["batches"])


@SLOW
@given(record_sets, st.data())
def test_valid_csv_of_spelled_records_imports(fresh_store, workdir: Path, data, draw) -> None:
    """The control for the bad-cell property: without the bad cell, the same CSV imports."""
    store = fresh_store()
    frame = spelled_frame(draw.draw, data, upper=False, encoding="cp1251")
    path = workdir / f"good-{abs(hash(tuple(data))):x}.csv"
    raw = frame.to_csv(index=False, sep=";").encode("cp1251")
    path.write_bytes(raw)
    report = import_file(store, path, "records", raise_on_error=False)
    assert report.ok, report.problems.lines()
    assert report.rows_added == len(data)
    assert stored_content(store)[2:] == data


@SLOW
@given(record_sets, st.data())
def test_valid_utf8_csv_in_any_case_imports(fresh_store, workdir: Path, data, draw) -> None:
    store = fresh_store()
    frame = spelled_frame(draw.draw, data, upper=True)
    path = workdir / f"good-utf8-{abs(hash(tuple(data))):x}.csv"
    path.write_bytes(frame.to_csv(index=False).encode("utf-8"))
    report = import_file(store, path, "records", raise_on_error=False)
    assert report.ok, report.problems.lines()
    assert stored_content(store)[2:] == data


CAPITALS = (
    "region;partner_country;instrument;year;source\n"
    "РЕСПУБЛИКА ТАТАРСТАН;ГЕРМАНИЯ;ТОРГОВЛЯ;2020;https://example.org/1\n"
    "ПСКОВСКАЯ ОБЛАСТЬ;ЭСТОНИЯ;ПОБРАТИМСТВО;2021;https://example.org/2\n"
)


def test_cp1251_capitals_are_read(fresh_store, workdir: Path) -> None:
    store = fresh_store()
    path = workdir / "capitals_cp1251.csv"
    path.write_bytes(CAPITALS.encode("cp1251"))
    report = import_file(store, path, "records", raise_on_error=False)
    assert report.ok, report.problems.lines()
    assert report.rows_added == 2


def test_utf8_capitals_are_read(fresh_store, workdir: Path) -> None:
    store = fresh_store()
    path = workdir / "capitals_utf8.csv"
    path.write_bytes(CAPITALS.encode("utf-8"))
    report = import_file(store, path, "records", raise_on_error=False)
    assert report.ok, report.problems.lines()
    assert [r[:2] for r in stored_content(store)[2:]] == [("RU-TA", "DE"), ("RU-PSK", "EE")]


def test_cp1251_with_a_utf8_like_start_is_read(fresh_store, workdir: Path) -> None:
    store = fresh_store()
    path = workdir / "fyodor_cp1251.csv"
    text = (  # the note holds the first non-ASCII bytes of the file: 'Фё' is valid UTF-8
        "region;partner_country;instrument;year;source;note\n"
        "Pskov Oblast;EE;twinning;2021;https://example.org/1;Фёдор Конюхов\n"
    )
    path.write_bytes(text.encode("cp1251"))
    report = import_file(store, path, "records", raise_on_error=False)
    assert report.ok, report.problems.lines()
    assert _text(store.records()["note"].iat[-1]) == "Фёдор Конюхов"


def test_cp1251_with_quoted_capitals_is_read(fresh_store, workdir: Path) -> None:
    store = fresh_store()
    path = workdir / "quotes_cp1251.csv"
    rows = [
        ("ООО «ПРОМСЕРВИС»", "совместное предприятие по выпуску оборудования"),
        ("ЗАО «ЭНЕРГОСЕРВИС»", "поставки оборудования для электростанций"),
        ("ЗАО «ТЕХНОСЕРВИС»", "экспорт нефтехимической продукции"),
    ]
    text = "region;partner_country;instrument;year;source;partner_name;note\n" + "".join(
        f"Татарстан;Германия;инвестиции;{2019 + i};https://example.org/{i};{name};{note}\n"
        for i, (name, note) in enumerate(rows)
    )
    path.write_bytes(text.encode("cp1251"))
    report = import_file(store, path, "records", raise_on_error=False)
    assert report.ok, report.problems.lines()
    assert report.rows_added == 3


def test_same_files_in_utf8_are_read(fresh_store, workdir: Path) -> None:
    """The controls of the Windows-1251 xfails: the same content in UTF-8 imports."""
    store = fresh_store()
    path = workdir / "control_utf8.csv"
    text = (
        "region;partner_country;instrument;year;source;partner_name;note\n"
        "Pskov Oblast;EE;twinning;2021;https://example.org/1;;Фёдор Конюхов\n"
        "Татарстан;Германия;инвестиции;2019;https://example.org/2;ЗАО «ТЕХНОСЕРВИС»;экспорт\n"
    )
    path.write_bytes(text.encode("utf-8"))
    report = import_file(store, path, "records", raise_on_error=False)
    assert report.ok, report.problems.lines()
    assert report.rows_added == 2
