"""Read tabular files people bring (CSV, XLSX, JSON) as tables of text cells, in chunks of rows.

CSV may be UTF-8 (with or without a byte-order mark) or Windows-1251, separated by commas,
semicolons or tabs. Every cell is read as text; parsing numbers and dates is the validator's
job, so that every problem can be reported with its place. A table's index is the row number
as a spreadsheet shows it (header = row 1); in JSON, the 1-based position of the object.

Files are read in chunks of rows (:func:`iter_tables`), so that what is held in memory does not
grow with the file: :func:`inspect_source` first reads the file once, block by block, for its
SHA-256 and (for CSV) its encoding; CSV and TSV are then parsed by Apache Arrow's streaming
reader (the strict Python reader takes over where Arrow cannot parse the file, to say where it
is malformed), XLSX by openpyxl in read-only mode. A JSON document is parsed whole (the standard
library has no streaming parser), then handed on in chunks.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from paradiplomacy.ledger.problems import Problem

SUPPORTED = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")
TEXT = (".csv", ".tsv", ".txt")
XLSX = (".xlsx", ".xlsm")
CHUNK_ROWS = 50_000
"""Rows per chunk unless the caller chooses: about 40 MB of cells and checks for records."""
BLOCK = 4 << 20
"""Bytes read at a time when a file is hashed and its encoding checked."""
ARROW_BLOCK = 1 << 20
"""Bytes Arrow's streaming CSV reader parses at a time."""
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
    """Text cells of one input file, or of a chunk of its rows.

    ``headers`` maps each column's key to its header as written. ``position`` and ``extent``
    say how far through the file the chunk ends, in the file's units (bytes for CSV, rows for
    XLSX, JSON and DataFrames), for progress bars; ``extent`` is 0 when unknown.
    """

    name: str
    frame: pd.DataFrame
    layout: str = "rows"
    headers: dict[str, str] = field(default_factory=dict)
    position: int = 0
    extent: int = 0


@dataclass
class Source:
    """A file to import, as the first pass over it found it.

    ``sha256`` is the hash of the whole file; for CSV, ``encoding`` is ``"utf-8"`` or
    ``"cp1251"``, ``offset`` the length of a UTF-8 byte-order mark to skip and ``quotes`` the
    number of ``"`` characters. ``problem`` is set when the file cannot be read as a table.
    """

    path: Path
    name: str
    suffix: str
    size: int
    sha256: str
    encoding: str = "utf-8"
    offset: int = 0
    quotes: int = 0
    problem: Problem | None = None


def normalise_header(header: object) -> str:
    """Header matching key: trimmed, casefolded, spaces and hyphens as underscores."""
    text = str(header).replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def inspect_source(path: str | Path, name: str | None = None) -> Source:
    """Read ``path`` once, block by block: its SHA-256 and, for CSV, its encoding.

    ``name`` is how the file is named in messages (default: its name). Memory use does not
    depend on the file's size; a CSV file that is not UTF-8 is read a second time.
    """
    file = Path(path)
    label = name or file.name
    suffix = file.suffix.lower()
    digest = hashlib.sha256()
    scan = _EncodingScan() if suffix in TEXT else None
    for block in _blocks(file):
        digest.update(block)
        if scan is not None:
            scan.feed(block)
    source = Source(file, label, suffix, file.stat().st_size, digest.hexdigest())
    if suffix not in SUPPORTED:
        source.problem = Problem(
            label, 1, "-", "a .csv, .xlsx or .json file", f"a {suffix or 'nameless'} file"
        )
    elif scan is not None:
        source.quotes = scan.quotes
        try:
            source.encoding, source.offset = scan.result(lambda: _blocks(file), label)
        except ReadError as error:
            source.problem = error.problem
    return source


def iter_tables(source: Source, rows: int = CHUNK_ROWS) -> Iterator[Table]:
    """The rows of ``source`` in tables of at most ``rows`` rows, in file order.

    Each table is indexed by file row and has the header keys as columns; blank rows are left
    out (their row numbers are not reused). Raises :class:`ReadError` when the file cannot be
    read: before the first table for problems of the whole file, or when the reader reaches a
    malformed row (after the tables before it).
    """
    if source.problem is not None:
        raise ReadError(source.problem)
    rows = max(1, int(rows))
    if source.suffix in XLSX:
        chunks = _xlsx_chunks(source, rows)
    elif source.suffix == ".json":
        frame = _read_json(_decode(source.path.read_bytes(), source.name)[0], source.name)
        chunks = _frame_chunks(frame, rows)
    else:
        chunks = _csv_chunks(source, rows)
    yield from _tables(chunks, source.name)


def frame_tables(frame: pd.DataFrame, name: str, rows: int = CHUNK_ROWS) -> Iterator[Table]:
    """Tables of a DataFrame made in Python, ``rows`` rows at a time, numbered as if read from a
    CSV file (the first row is row 2)."""
    rows = max(1, int(rows))

    def chunks() -> Iterator[tuple[pd.DataFrame, int, int]]:
        total = len(frame)
        for start in range(0, max(total, 1), rows):
            part = frame.iloc[start : start + rows]
            cells = part.astype(object).where(part.notna(), "").map(_cell_text)
            cells.index = pd.RangeIndex(start + 2, start + 2 + len(cells))
            yield cells, start + len(cells), total

    return _tables(chunks(), name)


def read_table(path: str | Path, name: str | None = None) -> Table:
    """Read the whole of ``path`` into one table (see :func:`iter_tables` to read in chunks)."""
    return _whole(iter_tables(inspect_source(path, name)))


def table_from_frame(frame: pd.DataFrame, name: str) -> Table:
    """A table from a DataFrame made in Python (rows numbered as if read from a CSV file)."""
    return _whole(frame_tables(frame, name, max(len(frame), 1)))


def _whole(tables: Iterator[Table]) -> Table:
    parts = list(tables)
    first = parts[0]
    frame = pd.concat([t.frame for t in parts]) if len(parts) > 1 else first.frame
    return Table(first.name, frame, headers=first.headers, position=parts[-1].position)


def _tables(chunks: Iterable[tuple[pd.DataFrame, int, int]], label: str) -> Iterator[Table]:
    """Check the header, drop blank rows and name the columns by their keys."""
    headers: dict[str, str] | None = None
    found = False
    for frame, position, extent in chunks:
        if headers is None and frame.shape[1] == 0:
            raise ReadError(Problem(label, 1, "-", "a header row", "an empty file"))
        frame = frame.loc[~(frame == "").all(axis=1)]
        if frame.empty:
            continue
        if headers is None:
            headers = _headers(frame.columns, label)
        frame.columns = list(headers)
        found = True
        yield Table(label, frame, headers=dict(headers), position=position, extent=extent)
    if not found:
        raise ReadError(Problem(label, 2, "-", "at least one data row", "only a header"))


def _headers(columns: Iterable[object], label: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for position, header in enumerate(columns, start=1):
        key = normalise_header(header)
        if not key:
            raise ReadError(
                Problem(label, 1, f"column {position}", "a column name", "an empty header cell")
            )
        if key in headers:
            raise ReadError(Problem(label, 1, key, "each column once", f"column {header!r} twice"))
        headers[key] = str(header).replace("\ufeff", "").strip()
    return headers


def _blocks(file: Path, start: int = 0, size: int = BLOCK) -> Iterator[bytes]:
    with file.open("rb") as handle:
        handle.seek(start)
        while block := handle.read(size):
            yield block


def _lines(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes of ``blocks`` again, cut after line breaks (so no character is cut)."""
    carry = b""
    for block in blocks:
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        if cut:
            yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def _frame_chunks(frame: pd.DataFrame, rows: int) -> Iterator[tuple[pd.DataFrame, int, int]]:
    total = len(frame)
    if not total:
        yield frame, 0, 0
    for start in range(0, total, rows):
        yield frame.iloc[start : start + rows], min(start + rows, total), total


# ---------------------------------------------------------------------------------- encodings
class _EncodingScan:
    """Finds the encoding of a text file from its bytes, fed in blocks.

    The first pass (:meth:`feed`) checks that the bytes are UTF-8 and counts quotes; a file that
    is not UTF-8 is read a second time (:meth:`result`) to tell Windows-1251 from mixed
    encodings and KOI8-R. The checks and messages are those of :func:`_decode`.
    """

    def __init__(self) -> None:
        self.head = b""
        self.offset = 0
        self.content = False
        self.quotes = 0
        self.lines = 0
        self.carry = b""
        self.bad: tuple[int, int] | None = None
        """Line and value of the first byte that is not UTF-8."""

    def feed(self, block: bytes) -> None:
        if not self.head:
            self.head = block[:8192]
            self.content = not _is_blank(block)
            if block.startswith(codecs.BOM_UTF8):
                self.offset = len(codecs.BOM_UTF8)
                block = block[self.offset :]
        elif not self.content:
            self.content = bool(block.strip())
        self.quotes += block.count(b'"')
        if self.bad is not None:
            return
        data = self.carry + block if self.carry else block
        cut = data.rfind(b"\n") + 1
        self.carry = data[cut:]
        self._check(data[:cut])

    def _check(self, piece: bytes) -> None:
        try:
            piece.decode("utf-8")
        except UnicodeDecodeError as error:
            line = self.lines + piece.count(b"\n", 0, error.start) + 1
            self.bad = (line, piece[error.start])
        else:
            self.lines += piece.count(b"\n")

    def result(self, blocks: Callable[[], Iterable[bytes]], label: str) -> tuple[str, int]:
        """The encoding and the byte-order mark's length, or :class:`ReadError`.

        ``blocks`` gives the bytes again from the start, for the second pass.
        """
        if self.bad is None and self.carry:
            self._check(self.carry)
            self.carry = b""
        if not self.content:
            raise ReadError(Problem(label, 1, "-", "a header row", "an empty file"))
        if self.head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
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
        if b"\x00" in self.head:
            raise ReadError(Problem(label, 1, "-", "a text file", "binary data"))
        if self.bad is None:
            return "utf-8", self.offset
        return "cp1251", self._second_pass(blocks(), label)

    def _second_pass(self, blocks: Iterable[bytes], label: str) -> int:
        mixed = False
        undecodable: tuple[int, int] | None = None
        lines = 0
        letters = [0, 0, 0, 0]  # frequent and all Cyrillic letters in Windows-1251, in KOI8-R
        first = True
        for piece in _lines(blocks):
            if first and piece.startswith(codecs.BOM_UTF8):
                piece = piece[len(codecs.BOM_UTF8) :]
            first = False
            mixed = mixed or _has_utf8_cyrillic_line(piece)
            if undecodable is None:
                try:
                    text = piece.decode("cp1251")
                except UnicodeDecodeError as error:
                    line = lines + piece.count(b"\n", 0, error.start) + 1
                    undecodable = (line, piece[error.start])
                else:
                    for i, decoded in ((0, text), (2, piece.decode("koi8_r", errors="replace"))):
                        frequent, count = _frequent_counts(decoded)
                        letters[i] += frequent
                        letters[i + 1] += count
            lines += piece.count(b"\n")
        if mixed:
            line, byte = self.bad or (1, 0)
            raise ReadError(
                Problem(
                    label,
                    line,
                    "-",
                    "UTF-8 text throughout the file",
                    f"byte 0x{byte:02X}, which is not UTF-8 (mixed encodings)",
                    "save the whole file in one encoding, preferably UTF-8",
                )
            )
        if undecodable is not None:
            line, byte = undecodable
            raise ReadError(
                Problem(
                    label,
                    line,
                    "-",
                    "UTF-8 or Windows-1251 text",
                    f"byte 0x{byte:02X}, which is neither",
                )
            )
        if _looks_like_koi8r(*letters):
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
        return self.offset


def _decode(raw: bytes, label: str) -> tuple[str, str]:
    """The text of ``raw`` and its encoding, ``"utf-8"`` or ``"cp1251"`` (see
    :class:`_EncodingScan`)."""
    scan = _EncodingScan()
    scan.feed(raw)
    encoding, offset = scan.result(lambda: [raw], label)
    return raw[offset:].decode(encoding), encoding


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


def _frequent_counts(text: str) -> tuple[int, int]:
    """How many of the Cyrillic letters of ``text`` are among the ten most frequent, and how
    many there are."""
    letters = _CYRILLIC.findall(text.casefold())
    return sum(c in _FREQUENT for c in letters), len(letters)


def _looks_like_koi8r(frequent: int, count: int, koi8_frequent: int, koi8_count: int) -> bool:
    """True when the bytes read as Russian in KOI8-R much better than in Windows-1251.

    Judged by the share of the ten most frequent Russian letters, which is about 0.6 in real
    text, whatever its letter case, and far lower in text decoded with the wrong code page.
    """
    if count < 20:
        return False
    share = frequent / count
    koi8_share = koi8_frequent / koi8_count if koi8_count else 0.0
    return share < 0.4 and koi8_share > share + 0.15


# ---------------------------------------------------------------------------------------- CSV
class _ArrowFailed(Exception):
    """Arrow could not parse the rest of the file; the strict reader takes over."""


def _header_line(source: Source) -> str:
    """The first line of a text file, decoded."""
    head = b""
    for block in _blocks(source.path, source.offset, 1 << 16):
        head += block
        if b"\n" in block:
            break
    return _first_line(head.decode(source.encoding, errors="replace"))


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


def _csv_chunks(source: Source, rows: int) -> Iterator[tuple[pd.DataFrame, int, int]]:
    """Chunks of a CSV file: Arrow's reader first; where it fails, the strict reader goes on
    from the first row Arrow did not hand over (and reports where the file is malformed)."""
    first = _header_line(source)
    delimiter = _sniff_delimiter(first)
    done = 0
    if source.quotes % 2 == 0:  # an unclosed quote: the strict reader says where
        try:
            for chunk in _arrow_chunks(source, first, delimiter, rows):
                yield chunk
                done += len(chunk[0])
            return
        except _ArrowFailed:
            pass
    yield from _python_chunks(source, delimiter, rows, skip=done)


def _arrow_chunks(
    source: Source, first: str, delimiter: str, rows: int
) -> Iterator[tuple[pd.DataFrame, int, int]]:
    """Parse a well-formed CSV with Apache Arrow's streaming reader, ``rows`` rows at a time.

    Raises :class:`_ArrowFailed` where Arrow cannot parse the file.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    try:
        header = next(csv.reader([first.rstrip("\r")], delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise _ArrowFailed from None
    if not header:
        raise _ArrowFailed
    names = [f"c{i}" for i in range(len(header))]
    handle = pa.OSFile(str(source.path), "r")
    number = 2
    try:
        try:
            reader = pacsv.open_csv(
                handle,
                read_options=pacsv.ReadOptions(
                    skip_rows=1,
                    column_names=names,
                    block_size=ARROW_BLOCK,
                    use_threads=False,  # no read-ahead: as fast here, and less memory
                    encoding="utf8" if source.encoding == "utf-8" else source.encoding,
                ),
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
        except pa.ArrowException:
            raise _ArrowFailed from None

        read = source.offset + len(first.encode(source.encoding, errors="replace")) + 1

        def frame(batches: list[pa.RecordBatch]) -> pd.DataFrame:
            nonlocal number, read
            table = pa.Table.from_batches(batches, schema=reader.schema)
            # bytes read so far, judged from the cells (Arrow reads well ahead of its batches)
            read += len(table) * len(names) + sum(
                pc.sum(pc.binary_length(column)).as_py() or 0 for column in table.columns
            )
            cells = table.to_pandas()
            cells.columns = header
            cells.index = pd.RangeIndex(number, number + len(cells))
            number += len(cells)
            return cells

        pending: list[pa.RecordBatch] = []
        held = 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowException:
                raise _ArrowFailed from None
            pending.append(batch)
            held += batch.num_rows
            while held >= rows:
                table = pa.Table.from_batches(pending, schema=reader.schema)
                rest = table.slice(rows)
                pending, held = rest.to_batches(), rest.num_rows
                cells = frame(table.slice(0, rows).to_batches())
                yield cells, min(read, source.size - 1), source.size
        if held or number == 2:
            yield frame(pending), source.size, source.size
    finally:
        handle.close()


def _python_chunks(
    source: Source, delimiter: str, rows: int, skip: int = 0
) -> Iterator[tuple[pd.DataFrame, int, int]]:
    """Parse CSV strictly with Python's csv module, reporting the first malformed row.

    Slower than the Arrow reader, so used only where that one cannot parse the file. Rows are
    numbered as records (a spreadsheet's rows); blank lines count as rows and are skipped. The
    first ``skip`` records were handed over by the Arrow reader: they are checked, not returned.
    """
    handle = source.path.open("rb")
    handle.seek(source.offset)
    text = io.TextIOWrapper(handle, encoding=source.encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    body: list[list[str]] = []
    start = 2 + skip
    number = 1
    try:
        header = next(reader)
        width = len(header)
        for number, row in enumerate(reader, start=2):
            if row and len(row) != width and any(cell.strip() for cell in row):
                raise ReadError(
                    Problem(
                        source.name,
                        number,
                        "-",
                        f"{width} fields separated by {delimiter!r}",
                        f"{len(row)} fields",
                        "quote cells that contain the separator"
                        if len(row) > width
                        else "keep empty cells in the row",
                    )
                )
            if number < start:
                continue
            body.append(row if len(row) == width else [""] * width)
            if len(body) == rows:
                yield _cells(body, header, start), handle.tell(), source.size
                start += len(body)
                body = []
    except csv.Error as error:
        end = "end of data" in str(error)
        raise ReadError(
            Problem(
                source.name,
                number + 1,
                "-",
                'a closing quote (")' if end else "well-formed CSV",
                "the end of the file inside a quoted cell" if end else str(error),
            )
        ) from None
    except StopIteration:
        raise ReadError(Problem(source.name, 1, "-", "a header row", "an empty file")) from None
    finally:
        text.close()
    if body or start == 2:
        yield _cells(body, header, start), source.size, source.size


def _cells(body: list[list[str]], columns: list[str], start: int) -> pd.DataFrame:
    frame = pd.DataFrame(body, columns=columns, dtype=object)
    frame.index = pd.RangeIndex(start, start + len(frame))
    return frame


# --------------------------------------------------------------------------------------- XLSX
def _xlsx_chunks(source: Source, rows: int) -> Iterator[tuple[pd.DataFrame, int, int]]:
    """The first sheet of a workbook, read row by row (openpyxl's read-only mode)."""
    from openpyxl import load_workbook

    label = source.name
    with source.path.open("rb") as handle:
        head = handle.read(8192)
    if not head.startswith(b"PK\x03\x04"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            got, hint = "an old Excel 97-2003 workbook", "save it as .xlsx"
        elif b"\x00" not in head:
            got, hint = "a text file", "if it holds CSV, name it .csv"
        else:
            got, hint = "a file that is not an Excel workbook", ""
        raise ReadError(Problem(label, 1, "-", "an Excel workbook (.xlsx)", got, hint))
    try:
        book = load_workbook(source.path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ReadError(
            Problem(
                label, 1, "-", "an Excel workbook (.xlsx)", f"a file Excel cannot open ({error})"
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        extent = max((sheet.max_row or 1) - 1, 0)
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise ReadError(Problem(label, 1, "-", "a header row", "an empty sheet"))
        width = len(header)
        while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
            width -= 1
        columns = [_cell_text(h) for h in header[:width]]
        body: list[list[str]] = []
        start = 2
        for row in lines:
            cells = [_cell_text(v) for v in row[:width]]
            body.append(cells + [""] * (width - len(cells)))
            if len(body) == rows:
                yield _cells(body, columns, start), start + len(body) - 2, extent
                start += len(body)
                body = []
        if body or start == 2:
            done = start + len(body) - 2
            yield _cells(body, columns, start), done, max(extent, done)
    finally:
        book.close()


# --------------------------------------------------------------------------------------- JSON
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
