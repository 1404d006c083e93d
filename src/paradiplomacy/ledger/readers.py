"""Read tabular files people bring (CSV, XLSX, JSON) into a table of text cells.

CSV may be UTF-8 (with or without a byte-order mark) or Windows-1251, separated by commas,
semicolons or tabs. Every cell is read as text; parsing numbers and dates is the validator's
job, so that every problem can be reported with its place. The table's index is the row number
as a spreadsheet shows it (header = row 1); in JSON, the 1-based position of the object.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from paradiplomacy.ledger.problems import Problem

SUPPORTED = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")
_CYRILLIC = re.compile(r"[\u0401\u0410-\u044f\u0451]")
_FREQUENT = frozenset("оеаинтсрвл")
"""The ten most frequent letters of Russian text: about 60% of its letters."""
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "true/false value",
    type(None): "null",
}


class ReadError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Table:
    """Text cells of one input file; ``columns`` keeps the headers as written."""

    name: str
    frame: pd.DataFrame
    layout: str = "rows"
    headers: dict[str, str] = field(default_factory=dict)


def normalise_header(header: object) -> str:
    """Header matching key: trimmed, casefolded, spaces and hyphens as underscores."""
    text = str(header).replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def read_table(path: str | Path, name: str | None = None) -> Table:
    """Read ``path`` by its extension; ``name`` is how the file is named in messages."""
    file = Path(path)
    label = name or file.name
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(
            Problem(label, 1, "-", "a .csv, .xlsx or .json file", f"a {suffix or 'nameless'} file")
        )
    raw = file.read_bytes()
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_xlsx(raw, label)
    elif suffix == ".json":
        frame = _read_json(_decode(raw, label)[0], label)
    else:
        text, encoding = _decode(raw, label)
        utf8 = raw.removeprefix(codecs.BOM_UTF8) if encoding == "utf-8" else text.encode("utf-8")
        frame = _read_csv_fast(text, utf8)
        if frame is None:
            frame = _read_csv(text, label)
    return _finish(frame, label)


def table_from_frame(frame: pd.DataFrame, name: str) -> Table:
    """A table from a DataFrame made in Python (rows numbered as if read from a CSV file)."""
    cells = frame.astype(object).where(frame.notna(), "")
    cells = cells.map(_cell_text)
    cells.index = pd.RangeIndex(2, len(cells) + 2)
    return _finish(cells, name)


def _finish(frame: pd.DataFrame, label: str) -> Table:
    if frame.shape[1] == 0:
        raise ReadError(Problem(label, 1, "-", "a header row", "an empty file"))
    blank = (frame == "").all(axis=1)
    frame = frame.loc[~blank]
    if frame.empty:
        raise ReadError(Problem(label, 2, "-", "at least one data row", "only a header"))
    headers = {}
    for position, header in enumerate(frame.columns, start=1):
        key = normalise_header(header)
        if not key:
            raise ReadError(
                Problem(label, 1, f"column {position}", "a column name", "an empty header cell")
            )
        if key in headers:
            raise ReadError(Problem(label, 1, key, "each column once", f"column {header!r} twice"))
        headers[key] = str(header).replace("\ufeff", "").strip()
    frame.columns = list(headers)
    return Table(name=label, frame=frame, headers=headers)


def _decode(raw: bytes, label: str) -> tuple[str, str]:
    """The text of ``raw`` and its encoding, ``"utf-8"`` or ``"cp1251"``."""
    if _is_blank(raw):
        raise ReadError(Problem(label, 1, "-", "a header row", "an empty file"))
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            Problem(
                label,
                1,
                "-",
                "UTF-8 or Windows-1251 text",
                "UTF-16 text",
                "save the file as CSV UTF-8",
            )
        )
    if b"\x00" in raw[:8192]:
        raise ReadError(Problem(label, 1, "-", "a text file", "binary data"))
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        head = raw[: error.start]
        if _has_utf8_cyrillic_line(raw):
            line = head.count(b"\n") + 1
            raise ReadError(
                Problem(
                    label,
                    line,
                    "-",
                    "UTF-8 text throughout the file",
                    f"byte 0x{raw[error.start]:02X}, which is not UTF-8 (mixed encodings)",
                    "save the whole file in one encoding, preferably UTF-8",
                )
            ) from None
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ReadError(
            Problem(
                label,
                line,
                "-",
                "UTF-8 or Windows-1251 text",
                f"byte 0x{raw[error.start]:02X}, which is neither",
            )
        ) from None
    if _looks_like_koi8r(raw, text):
        raise ReadError(
            Problem(
                label,
                1,
                "-",
                "UTF-8 or Windows-1251 text",
                "text that looks like KOI8-R (Cyrillic letters in the wrong case)",
                "save the file as CSV UTF-8",
            )
        )
    return text, "cp1251"


def _is_blank(raw: bytes) -> bool:
    """True when ``raw`` holds nothing but whitespace and perhaps a UTF-8 byte-order mark.

    Looked at from the start, so that a file with content is not copied (as ``strip`` would).
    """
    rest = raw.lstrip()
    if rest.startswith(codecs.BOM_UTF8):
        rest = rest[len(codecs.BOM_UTF8) :].lstrip()
    return not rest


def _first_line(text: str) -> str:
    """The text up to the first line break, without copying the rest."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


def _has_utf8_cyrillic_line(raw: bytes) -> bool:
    """True when some line is valid UTF-8 holding Cyrillic text (so the file mixes encodings).

    A Windows-1251 line almost never decodes as UTF-8 with three or more Cyrillic letters.
    """
    for line in raw.split(b"\n"):
        if max(line, default=0) < 0x80:
            continue
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(_CYRILLIC.findall(decoded)) >= 3:
            return True
    return False


def _frequent_share(text: str) -> tuple[float, int]:
    letters = [c for c in _CYRILLIC.findall(text.casefold())]
    if not letters:
        return 0.0, 0
    return sum(c in _FREQUENT for c in letters) / len(letters), len(letters)


def _looks_like_koi8r(raw: bytes, cp1251_text: str) -> bool:
    """True when the bytes read as Russian in KOI8-R much better than in Windows-1251.

    Judged by the share of the ten most frequent Russian letters, which is about 0.6 in real
    text, whatever its letter case, and far lower in text decoded with the wrong code page.
    """
    share, count = _frequent_share(cp1251_text)
    if count < 20:
        return False
    koi8_share, _ = _frequent_share(raw.decode("koi8_r", errors="replace"))
    return share < 0.4 and koi8_share > share + 0.15


def _sniff_delimiter(text: str) -> str:
    first = _first_line(text)
    counts = {}
    for delimiter in (",", ";", "\t"):
        try:
            row = next(csv.reader([first], delimiter=delimiter))
        except (csv.Error, StopIteration):
            row = []
        counts[delimiter] = len(row)
    best = max(counts.values())
    return next(d for d in (",", ";", "\t") if counts[d] == best)


def _read_csv_fast(text: str, utf8: bytes) -> pd.DataFrame | None:
    """Parse a well-formed CSV with Apache Arrow's multi-threaded reader.

    ``utf8`` is ``text`` encoded as UTF-8 (the file's own bytes when it is UTF-8). Returns
    ``None`` when Arrow cannot parse it; the pandas reader then parses it again and reports
    where the file is malformed.
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if text.count('"') % 2:
        return None  # an unclosed quote: the strict reader says where
    delimiter = _sniff_delimiter(text)
    try:
        header = next(csv.reader([_first_line(text).rstrip("\r")], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    frame = table.to_pandas()
    frame.columns = header
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


def _read_csv(text: str, label: str) -> pd.DataFrame:
    """Parse CSV strictly with Python's csv module, reporting the first malformed row.

    Slower than the Arrow reader, so used only when that one cannot parse the file. Rows are
    numbered as records (a spreadsheet's rows); blank lines count as rows and are skipped.
    """
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        header = next(reader)
        for number, row in enumerate(reader, start=2):
            if row and len(row) != len(header) and any(cell.strip() for cell in row):
                raise ReadError(
                    Problem(
                        label,
                        number,
                        "-",
                        f"{len(header)} fields separated by {delimiter!r}",
                        f"{len(row)} fields",
                        "quote cells that contain the separator"
                        if len(row) > len(header)
                        else "keep empty cells in the row",
                    )
                )
            rows.append(row if len(row) == len(header) else [""] * len(header))
    except csv.Error as error:
        raise ReadError(
            Problem(
                label,
                len(rows) + 2,
                "-",
                'a closing quote (")' if "end of data" in str(error) else "well-formed CSV",
                "the end of the file inside a quoted cell"
                if "end of data" in str(error)
                else str(error),
            )
        ) from None
    except StopIteration:
        raise ReadError(Problem(label, 1, "-", "a header row", "an empty file")) from None
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


def _read_xlsx(raw: bytes, label: str) -> pd.DataFrame:
    from openpyxl import load_workbook

    if not raw.startswith(b"PK\x03\x04"):
        if raw.startswith(b"\xd0\xcf\x11\xe0"):
            got, hint = "an old Excel 97-2003 workbook", "save it as .xlsx"
        elif b"\x00" not in raw[:8192]:
            got, hint = "a text file", "if it holds CSV, name it .csv"
        else:
            got, hint = "a file that is not an Excel workbook", ""
        raise ReadError(Problem(label, 1, "-", "an Excel workbook (.xlsx)", got, hint))
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ReadError(
            Problem(
                label, 1, "-", "an Excel workbook (.xlsx)", f"a file Excel cannot open ({error})"
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ReadError(Problem(label, 1, "-", "a header row", "an empty sheet"))
        width = len(header)
        while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
            width -= 1
        body = [[_cell_text(v) for v in row[:width]] for row in rows]
    finally:
        book.close()
    columns = [_cell_text(h) for h in header[:width]]
    frame = (
        pd.DataFrame(body, columns=columns, dtype=object)
        if body
        else pd.DataFrame(columns=columns, dtype=object)
    )
    frame = frame.fillna("")
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


def _read_json(text: str, label: str) -> pd.DataFrame:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(
            Problem(label, error.lineno, "-", "valid JSON", f"{error.msg} at column {error.colno}")
        ) from None
    if isinstance(data, dict):
        lists = [
            k for k in ("records", "statistics", "stats", "data") if isinstance(data.get(k), list)
        ]
        if not lists:
            raise ReadError(
                Problem(
                    label,
                    1,
                    "-",
                    "a list of objects, or an object with a 'records' list",
                    f"an object with keys {sorted(data)[:5]}",
                )
            )
        data = data[lists[0]]
    if not isinstance(data, list):
        raise ReadError(Problem(label, 1, "-", "a list of objects", f"a JSON {_json_type(data)}"))
    if not data:
        raise ReadError(Problem(label, 1, "-", "at least one object", "an empty list"))
    columns: dict[str, None] = {}
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ReadError(
                Problem(
                    label,
                    position,
                    "-",
                    "an object with named fields",
                    f"a JSON {_json_type(item)}",
                )
            )
        for key, value in item.items():
            columns.setdefault(str(key), None)
            if isinstance(value, dict | list):
                raise ReadError(
                    Problem(
                        label,
                        position,
                        str(key),
                        "a single value",
                        f"a nested JSON {_json_type(value)}",
                    )
                )
    frame = pd.DataFrame(
        [[_cell_text(item.get(c)) for c in columns] for item in data],
        columns=list(columns),
        dtype=object,
    )
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _cell_text(value: object) -> str:
    """Text of one cell value, keeping numbers exact and dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
