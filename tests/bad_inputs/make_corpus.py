"""Generate the bad-input corpus of the importer: small files that each show ONE problem.

Each file is named by what is wrong with it (``records_unknown_region.csv``,
``stats_duplicate_key.csv`` ...). ``records_*`` files are meant for ``import records`` and
``stats_*`` files for ``import stats``. The messages the importer should give for each file are
pinned in ``tests/test_bad_inputs.py``. The parts of each file that are not the problem are
valid: real federal subjects of Russia (``src/paradiplomacy/data/registries/ru.yaml``), real
ISO 3166-1 country codes and instruments of the default taxonomy. The sources are made-up
``example.org`` addresses and the rows are made up too: the corpus holds no facts.

The files are written byte for byte by this script (encodings, line endings, the ~1 MB line and
the workbook are all made here), so the corpus can be rebuilt exactly::

    .venv/bin/python tests/bad_inputs/make_corpus.py          # (re)write every file
    .venv/bin/python tests/bad_inputs/make_corpus.py --check  # exit 1 if a file differs

The output is deterministic: the same script writes the same bytes on every run (the workbook's
zip entries and document properties get fixed timestamps). To add a case, add a function below
decorated with ``@corpus_file("name.ext")`` that returns the file's bytes, run the script, and
add the expected messages to ``tests/test_bad_inputs.py``.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

FILES: dict[str, Callable[[], bytes]] = {}
"""File name -> function that returns the file's bytes, in the order they are defined."""

RECORD_HEADER = (
    "region",
    "partner_country",
    "partner_name",
    "instrument",
    "date",
    "status",
    "magnitude",
    "unit",
    "source",
    "confidence",
    "note",
)
# Three valid records, one per row; the bad files change one cell (or one row) of these.
VALID_RECORDS = (
    (
        "Republic of Tatarstan",
        "TR",
        "Istanbul",
        "agreement",
        "2021-03-15",
        "active",
        "1",
        "count",
        "https://example.org/ta/2021-03-15",
        "0.9",
        "Cooperation agreement",
    ),
    (
        "Kaliningrad Oblast",
        "PL",
        "Pomeranian Voivodeship",
        "business_mission",
        "2019-06-10",
        "active",
        "2",
        "count",
        "https://example.org/kgd/2019-06-10",
        "0.8",
        "",
    ),
    (
        "Primorsky Krai",
        "CN",
        "Heilongjiang",
        "official_visit",
        "2022-09-05",
        "planned",
        "1",
        "count",
        "https://example.org/pri/2022-09-05",
        "1",
        "",
    ),
)
STATS_HEADER = ("region", "year", "indicator", "value", "unit", "source")
SOURCE_STATS = "https://example.org/stats/2021"
NOT_IN_LEDGER_UID = "00112233445566778899aabbccddeeff"
LONG_NOTE_CHARS = 1_048_576
MANY_ERROR_ROWS = 120
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)


def corpus_file(name: str) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    """Register a function returning the bytes of corpus file ``name``."""

    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        if name in FILES:
            raise ValueError(f"{name} is defined twice")
        FILES[name] = make
        return make

    return register


# ----------------------------------------------------------------------------- helpers


def cell(value: str, sep: str = ",") -> str:
    """One CSV cell, quoted (RFC 4180) when it holds the separator, a quote or a line break."""
    if any(ch in value for ch in (sep, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]], sep: str = ",") -> str:
    """A well-formed CSV text with LF line endings and a final line break."""
    lines = [sep.join(cell(v, sep) for v in row) for row in (header, *rows)]
    return "\n".join(lines) + "\n"


def records(**changes: dict[str, str]) -> list[list[str]]:
    """The valid records with cells changed: ``records(r3={"region": "x"})`` changes row 3.

    Keys ``r2``, ``r3``, ``r4`` name the spreadsheet rows of the three records (header = row 1).
    """
    rows = [list(r) for r in VALID_RECORDS]
    for key, cells in changes.items():
        row = rows[int(key[1:]) - 2]
        for column, value in cells.items():
            row[RECORD_HEADER.index(column)] = value
    return rows


def records_csv(**changes: dict[str, str]) -> bytes:
    return csv_text(RECORD_HEADER, records(**changes)).encode("utf-8")


def with_column(
    header: Sequence[str], rows: Sequence[Sequence[str]], name: str, values: Sequence[str]
) -> tuple[list[str], list[list[str]]]:
    """``header`` and ``rows`` with a column appended."""
    return [*header, name], [[*row, v] for row, v in zip(rows, values, strict=True)]


def without_column(
    header: Sequence[str], rows: Sequence[Sequence[str]], name: str
) -> tuple[list[str], list[list[str]]]:
    """``header`` and ``rows`` with the column ``name`` removed."""
    i = list(header).index(name)
    return [h for j, h in enumerate(header) if j != i], [
        [v for j, v in enumerate(row) if j != i] for row in rows
    ]


def stats_rows() -> list[list[str]]:
    return [
        ["Republic of Tatarstan", "2021", "population", "4005", "thousand persons", SOURCE_STATS],
        ["Kaliningrad Oblast", "2021", "population", "1030", "thousand persons", SOURCE_STATS],
        ["Primorsky Krai", "2021", "population", "1846", "thousand persons", SOURCE_STATS],
    ]


def deterministic_zip(raw: bytes) -> bytes:
    """Rewrite a zip (an .xlsx) with fixed timestamps, so that the bytes do not depend on when
    it was made. openpyxl stamps both the zip entries and ``docProps/core.xml`` with the time."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()


# ------------------------------------------------------------------- reading the file


@corpus_file("records_empty.csv")
def _empty() -> bytes:
    return b""


@corpus_file("records_header_only.csv")
def _header_only() -> bytes:
    return (",".join(RECORD_HEADER) + "\n").encode("utf-8")


@corpus_file("records_utf16.csv")
def _utf16() -> bytes:
    # What Excel's "Unicode Text" writes: UTF-16 little-endian with a byte-order mark.
    rows = records(r2={"region": "Республика Татарстан"})
    return csv_text(RECORD_HEADER, rows).encode("utf-16")


@corpus_file("records_koi8r.csv")
def _koi8r() -> bytes:
    rows = records(
        r2={"region": "Республика Татарстан", "partner_name": "Стамбул"},
        r3={"region": "Калининградская область", "partner_name": "Поморское воеводство"},
        r4={"region": "Приморский край", "partner_name": "провинция Хэйлунцзян"},
    )
    return csv_text(RECORD_HEADER, rows).encode("koi8_r")


@corpus_file("records_mixed_encoding.csv")
def _mixed_encoding() -> bytes:
    # Rows 2 and 3 in UTF-8, row 4 (line 4) pasted in from a Windows-1251 file.
    rows = records(
        r2={"region": "Республика Татарстан"},
        r3={"region": "Калининградская область"},
    )
    head = csv_text(RECORD_HEADER, rows[:2]).encode("utf-8")
    last = records(r4={"region": "Приморский край"})[2]
    return head + (",".join(last) + "\n").encode("cp1251")


@corpus_file("records_mixed_encoding_cp1251_first.csv")
def _mixed_encoding_cp1251_first() -> bytes:
    # The other way round: row 2 (line 2) in Windows-1251, rows 3 and 4 in UTF-8, so the first
    # non-ASCII text of the file is the odd one out.
    first = records(r2={"region": "Республика Татарстан"})[0]
    rest = records(r3={"region": "Калининградская область"}, r4={"region": "Приморский край"})
    return (
        (",".join(RECORD_HEADER) + "\n").encode("utf-8")
        + (",".join(first) + "\n").encode("cp1251")
        + "".join(",".join(cell(v) for v in row) + "\n" for row in rest[1:]).encode("utf-8")
    )


@corpus_file("records_binary.csv")
def _binary() -> bytes:
    # A PNG signature and bytes 0-255: a picture saved under a .csv name.
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@corpus_file("records_not_xlsx.xlsx")
def _not_xlsx() -> bytes:
    # A CSV file renamed to .xlsx.
    return records_csv()


@corpus_file("records_old_excel.xls")
def _old_excel() -> bytes:
    # The start of an Excel 97-2003 (OLE2 compound) file: a format the importer does not read.
    return bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)


@corpus_file("records_bad.json")
def _bad_json() -> bytes:
    # Object 2 lacks the comma between "instrument" and "date" (line 4 of the file).
    return (
        b"[\n"
        b'  {"region": "Republic of Tatarstan", "partner_country": "TR", '
        b'"instrument": "agreement", "date": "2021-03-15", '
        b'"source": "https://example.org/ta/2021-03-15"},\n'
        b'  {"region": "Kaliningrad Oblast", "partner_country": "PL",\n'
        b'   "instrument": "business_mission" "date": "2019-06-10",\n'
        b'   "source": "https://example.org/kgd/2019-06-10"}\n'
        b"]\n"
    )


@corpus_file("records_json_not_list.json")
def _json_not_list() -> bytes:
    # One record as a bare object, not inside a list.
    return (
        b"{\n"
        b'  "region": "Republic of Tatarstan",\n'
        b'  "partner_country": "TR",\n'
        b'  "instrument": "agreement",\n'
        b'  "date": "2021-03-15",\n'
        b'  "source": "https://example.org/ta/2021-03-15"\n'
        b"}\n"
    )


@corpus_file("records_json_null.json")
def _json_null() -> bytes:
    return b"null\n"


@corpus_file("records_json_nested.json")
def _json_nested() -> bytes:
    # Object 2 gives two partner names as a list.
    return (
        b"[\n"
        b'  {"region": "Republic of Tatarstan", "partner_country": "TR", '
        b'"instrument": "agreement", "date": "2021-03-15", '
        b'"source": "https://example.org/ta/2021-03-15"},\n'
        b'  {"region": "Kaliningrad Oblast", "partner_country": "PL", '
        b'"partner_name": ["Gdansk", "Gdynia"], "instrument": "twinning", '
        b'"year": 2019, "source": "https://example.org/kgd/2019"}\n'
        b"]\n"
    )


# -------------------------------------------------------------------------- CSV syntax


@corpus_file("records_wrong_field_count.csv")
def _wrong_field_count() -> bytes:
    # Row 3: an unquoted comma inside partner_name makes 12 fields instead of 11.
    rows = records(r3={"partner_name": "Gdansk, Pomeranian Voivodeship"})
    lines = [",".join(RECORD_HEADER)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


@corpus_file("records_short_row.csv")
def _short_row() -> bytes:
    # Row 4 lacks its partner_name cell (10 fields instead of 11), so every later cell of the
    # row is one column to the left of where it belongs.
    rows = records()
    rows[2] = [v for i, v in enumerate(rows[2]) if RECORD_HEADER[i] != "partner_name"]
    lines = [",".join(RECORD_HEADER)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


@corpus_file("records_unclosed_quote.csv")
def _unclosed_quote() -> bytes:
    # Row 3: the note opens a quote that never closes.
    rows = records()
    lines = [",".join(RECORD_HEADER)] + [",".join(row) for row in rows]
    lines[2] += '"Signed at the Baltic forum'
    return ("\n".join(lines) + "\n").encode("utf-8")


@corpus_file("records_long_line.csv")
def _long_line() -> bytes:
    # Row 2: a note of 1,048,576 characters (the file is about 1 MB).
    note = ("Long note " * (LONG_NOTE_CHARS // 10 + 1))[: LONG_NOTE_CHARS - 1] + "."
    assert len(note) == LONG_NOTE_CHARS
    return records_csv(r2={"note": note})


# ---------------------------------------------------------------------------- columns


@corpus_file("records_missing_column.csv")
def _missing_column() -> bytes:
    return csv_text(*without_column(RECORD_HEADER, records(), "instrument")).encode("utf-8")


@corpus_file("records_unknown_column.csv")
def _unknown_column() -> bytes:
    header = ["partner_contry" if h == "partner_country" else h for h in RECORD_HEADER]
    return csv_text(header, records()).encode("utf-8")


@corpus_file("records_duplicate_header.csv")
def _duplicate_header() -> bytes:
    header, rows = with_column(RECORD_HEADER, records(), "note", ["", "", "second note"])
    return csv_text(header, rows).encode("utf-8")


@corpus_file("records_no_date_or_year.csv")
def _no_date_or_year() -> bytes:
    return csv_text(*without_column(RECORD_HEADER, records(), "date")).encode("utf-8")


# ------------------------------------------------------------------------------ cells


@corpus_file("records_unknown_region.csv")
def _unknown_region() -> bytes:
    return records_csv(r3={"region": "Tatarstn"})


@corpus_file("records_unknown_country.csv")
def _unknown_country() -> bytes:
    return records_csv(r3={"partner_country": "Germny"})


@corpus_file("records_home_country.csv")
def _home_country() -> bytes:
    return records_csv(r3={"partner_country": "RU"})


@corpus_file("records_unknown_instrument.csv")
def _unknown_instrument() -> bytes:
    # Row 3: a misspelt instrument; row 4: something that is no instrument of the taxonomy.
    return records_csv(r3={"instrument": "twining"}, r4={"instrument": "sanctions"})


@corpus_file("records_bad_date.csv")
def _bad_date() -> bytes:
    # Both in a valid form, neither a day of the calendar.
    return records_csv(r3={"date": "2021-13-45"}, r4={"date": "31.02.2020"})


@corpus_file("records_date_year_clash.csv")
def _date_year_clash() -> bytes:
    header, rows = with_column(RECORD_HEADER, records(), "year", ["2021", "2020", "2022"])
    return csv_text(header, rows).encode("utf-8")


@corpus_file("records_year_text.csv")
def _year_text() -> bytes:
    # A year column instead of date; row 3 writes the year the Russian way, "2019 г.".
    header, rows = without_column(RECORD_HEADER, records(), "date")
    header, rows = with_column(header, rows, "year", ["2021", "2019 г.", "2022"])
    return csv_text(header, rows).encode("utf-8")


@corpus_file("records_negative_count.csv")
def _negative_count() -> bytes:
    return records_csv(r3={"magnitude": "-3"})


@corpus_file("records_text_in_number.csv")
def _text_in_number() -> bytes:
    return records_csv(r3={"magnitude": "many"})


@corpus_file("records_placeholder_nd.csv")
def _placeholder_nd() -> bytes:
    return records_csv(r3={"magnitude": "н/д"})


@corpus_file("records_placeholder_dash.csv")
def _placeholder_dash() -> bytes:
    return records_csv(r3={"confidence": "—"})


@corpus_file("records_confidence_out_of_range.csv")
def _confidence_out_of_range() -> bytes:
    return records_csv(r3={"confidence": "1.5"}, r4={"confidence": "120%"})


@corpus_file("records_bad_status.csv")
def _bad_status() -> bytes:
    return records_csv(r3={"status": "ongoing"})


@corpus_file("records_missing_source.csv")
def _missing_source() -> bytes:
    return records_csv(r3={"source": ""})


@corpus_file("records_duplicate_rows.csv")
def _duplicate_rows() -> bytes:
    rows = records()
    rows.append(list(rows[0]))  # row 5 repeats row 2
    return csv_text(RECORD_HEADER, rows).encode("utf-8")


@corpus_file("records_supersedes_unknown.csv")
def _supersedes_unknown() -> bytes:
    header, rows = with_column(RECORD_HEADER, records(), "supersedes", ["", NOT_IN_LEDGER_UID, ""])
    return csv_text(header, rows).encode("utf-8")


@corpus_file("records_formula_injection.csv")
def _formula_injection() -> bytes:
    # VALID records whose text would run as formulas in a spreadsheet: imported with warnings.
    return records_csv(
        r2={"partner_name": '=HYPERLINK("http://evil","x")'},
        r3={"note": "+cmd|' /C calc'!A0"},
        r4={"note": "@SUM(1+1)"},
    )


@corpus_file("records_many_errors.csv")
def _many_errors() -> bytes:
    # 120 rows, each with a magnitude that is no number: more than the 100 problems shown.
    base = VALID_RECORDS[0]
    rows = []
    for i in range(MANY_ERROR_ROWS):
        row = list(base)
        row[RECORD_HEADER.index("magnitude")] = f"about {i + 1}"
        rows.append(row)
    return csv_text(RECORD_HEADER, rows).encode("utf-8")


@corpus_file("records_bad.xlsx")
def _bad_xlsx() -> bytes:
    # A workbook with real date and number cells; row 3 has confidence 1.5 (a number cell).
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "records"
    sheet.append(list(RECORD_HEADER))
    for row in records(r3={"confidence": "1.5"}):
        values: list[object] = list(row)
        values[RECORD_HEADER.index("date")] = date.fromisoformat(row[4])
        for column in ("magnitude", "confidence"):
            i = RECORD_HEADER.index(column)
            values[i] = float(row[i]) if "." in row[i] else int(row[i])
        values = [None if v == "" else v for v in values]
        sheet.append(values)
    for cells in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        cells[0].number_format = "yyyy-mm-dd"
    book.properties.creator = "paradiplomacy test corpus"
    book.properties.created = FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return deterministic_zip(out.getvalue())


# ---------------------------------------------------------------------------- statistics


@corpus_file("stats_long_bad_value.csv")
def _stats_long_bad_value() -> bytes:
    rows = stats_rows()
    rows[1][3] = "1O30"  # the letter O typed for a zero
    return csv_text(STATS_HEADER, rows).encode("utf-8")


@corpus_file("stats_wide_year_placeholder.csv")
def _stats_wide_year_placeholder() -> bytes:
    header = ["region", "indicator", "unit", "source", "2019", "2020", "2021"]
    rows = [
        ["Republic of Tatarstan", "foreign students", "persons", SOURCE_STATS, "4100", "…", "4500"],
        ["Kaliningrad Oblast", "foreign students", "persons", SOURCE_STATS, "900", "950", ""],
    ]
    return csv_text(header, rows).encode("utf-8")


@corpus_file("stats_wide_indicator_no_unit.csv")
def _stats_wide_indicator_no_unit() -> bytes:
    header = ["region", "year", "source", "population [thousand persons]", "exports"]
    rows = [
        ["Republic of Tatarstan", "2021", SOURCE_STATS, "4005", "5200"],
        ["Kaliningrad Oblast", "2021", SOURCE_STATS, "1030", "1900"],
    ]
    return csv_text(header, rows).encode("utf-8")


@corpus_file("stats_wide_indicator_bad_value.csv")
def _stats_wide_indicator_bad_value() -> bytes:
    header = ["region", "year", "source", "population [thousand persons]"]
    rows = [
        ["Republic of Tatarstan", "2021", SOURCE_STATS, "4005"],
        ["Kaliningrad Oblast", "2021", SOURCE_STATS, "about 1030"],
    ]
    return csv_text(header, rows).encode("utf-8")


@corpus_file("stats_duplicate_key.csv")
def _stats_duplicate_key() -> bytes:
    rows = stats_rows()
    rows.append(["Tatarstan", "2021", "population", "4004", "thousand persons", SOURCE_STATS])
    return csv_text(STATS_HEADER, rows).encode("utf-8")


# ------------------------------------------------------------------------------- main


def build() -> dict[str, bytes]:
    """Every corpus file's name and bytes."""
    return {name: make() for name, make in FILES.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file is missing or differs"
    )
    parser.add_argument("--out", type=Path, default=HERE, help="directory (default: this one)")
    args = parser.parse_args(argv)
    files = build()
    if args.check:
        stale = [n for n, data in files.items() if _read(args.out / n) != data]
        for name in stale:
            print(f"{args.out / name}: missing or different; run {Path(__file__).name}")
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
    print(f"wrote {len(files)} files to {args.out}")
    return 0


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


if __name__ == "__main__":
    sys.exit(main())
