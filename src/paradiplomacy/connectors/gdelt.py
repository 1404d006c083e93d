"""GDELT 2.0 events: read the 15-minute export files and keep the events of the registry's regions.

**The default rule** (documented in ``docs/gdelt.md``). For each row of an export file:

1. the **region** is the row's ``ActionGeo_ADM1Code`` when it is the FIPS 10-4 code of a region
   of the registry (e.g. ``RS73`` for Tatarstan); any other row is skipped
   (``not in a registry region``);
2. the **partners** are the distinct values among ``Actor1CountryCode`` and ``Actor2CountryCode``
   that are non-empty, are not the home country (``RUS``: the ISO alpha-3 code of the registry's
   country) and resolve to an ISO 3166-1 country of the partner registry (CAMEO country codes are
   ISO alpha-3 based); codes that do not (``AFR``, ``EUR``, ``WST`` ...) are counted as
   *unresolved* (per code) and ignored;
3. a row with no actor country other than the home country is skipped (``no partner``); a row
   whose only other codes are unresolved is skipped (``no partner resolves to a country``);
4. a kept row gives one event per partner: ``(GlobalEventID, partner)`` is the event's key.

**Malformed rows** (a wrong number of columns, or a value that is not a number or a date where
one is required) are counted, reported with their file and line, and skipped; they never stop
the rest of the file.

**Engines.** :func:`filter_file` is the per-file filter: DuckDB reads one raw file (a ``.CSV``,
or the CSV inside a ``.CSV.zip``, extracted to a temporary directory) with explicit column types
and ``store_rejects`` (so DuckDB itself reports each malformed line with its line number), and in
the same scan counts the rows and collects the rows of the registry's regions; the partner rule
is then applied to those few rows, vectorised on Arrow and NumPy arrays. :func:`run_duckdb`
applies it to each file in turn on one DuckDB connection (the partner rule of one file runs in a
second thread while DuckDB reads the next); :func:`run_dask` makes each file one task on a Dask
cluster (``client.map`` of the same function), and concatenates the results in file order, so
both give identical results.

**Downloads.** :func:`master_file_list` reads GDELT's master file list (lines ``size md5 URL``);
:func:`export_urls` selects the export files of a date range; :func:`download` fetches them with
:class:`~paradiplomacy.connectors.http.HttpClient`, checks size and MD5, and reuses files already
in the cache directory.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry

from ..ledger.events import EVENT_COLUMNS, InsertReport, insert_events
from ..ledger.store import Store
from ..registry import PartnerRegistry, RegionRegistry
from .http import FetchError, HttpClient, cache_key, retrieved_now

CONNECTOR = "gdelt-events"
VERSION = "1.0"
MASTER_URL = "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt"
LASTUPDATE_URL = "http://data.gdeltproject.org/gdeltv2/lastupdate.txt"

COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
"""The 61 columns of a GDELT 2.0 events export, in order (GDELT 2.0 Event Codebook)."""

NUMERIC: dict[str, str] = {
    "GlobalEventID": "BIGINT",
    "Day": "DATE",
    "QuadClass": "INTEGER",
    "GoldsteinScale": "DOUBLE",
    "NumMentions": "INTEGER",
    "NumSources": "INTEGER",
    "NumArticles": "INTEGER",
    "AvgTone": "DOUBLE",
}
"""The numeric columns the rule uses, all always filled by GDELT (``Day`` is ``YYYYMMDD``): an
empty or non-numeric value in one of them makes the row malformed. Every other column is read
as text and not checked (the filter query references exactly these columns, so DuckDB converts
them for every row)."""


SKIP_REGION = "not in a registry region"
SKIP_NO_PARTNER = "no partner (actor countries empty or the home country)"
SKIP_UNRESOLVED = "no partner resolves to a country (only non-country CAMEO codes)"
SKIP_MALFORMED = "malformed"

_TIMESTAMP = re.compile(r"/(\d{14})\.export\.CSV(?:\.zip)?$", re.IGNORECASE)


# ---------------------------------------------------------------------------------- the rule
@dataclass(frozen=True)
class Rule:
    """The default rule's lookups (picklable, so Dask can ship it to workers).

    Attributes:
        fips: FIPS 10-4 ADM1 code -> region code (e.g. ``RS73`` -> ``RU-TA``).
        partners: ISO alpha-3 -> alpha-2 of every partner country except the home country.
        home: the home country's alpha-3 code (``RUS``).
    """

    fips: dict[str, str]
    partners: dict[str, str]
    home: str

    @classmethod
    def default(
        cls, regions: RegionRegistry | None = None, partners: PartnerRegistry | None = None
    ) -> Rule:
        """The rule for a region registry (all its regions) and the partner registry."""
        regions = regions or RegionRegistry.load()
        partners = partners or PartnerRegistry.load()
        fips = {r.fips: r.code for r in regions.regions("all") if r.fips}
        table = partners.to_frame()
        home2 = regions.country
        if home2 in table.index:
            home = str(table.loc[home2, "alpha3"])
        else:
            country = pycountry.countries.get(alpha_2=home2)
            if country is None:
                raise ValueError(f"the registry's country {home2!r} is not an ISO 3166-1 code")
            home = country.alpha_3
        codes = {
            str(a3): str(a2)
            for a2, a3 in zip(table.index, table["alpha3"], strict=True)
            if a2 != home2
        }
        return cls(fips=fips, partners=codes, home=home)


# ------------------------------------------------------------------------- per-file results
@dataclass
class FileResult:
    """What the filter found in one file.

    Attributes:
        file: the file's name as given (a ``.CSV`` or ``.CSV.zip``).
        events: one row per kept event and partner (:data:`EVENT_COLUMNS`), sorted by
            GlobalEventID then partner.
        rows_read: lines read (malformed included); ``rows_kept``: rows giving >= 1 event.
        skipped: reason -> rows; ``unresolved``: CAMEO code -> rows of a registry region that
            carried it; ``malformed``: ``(file, line, reason)`` for each malformed line.
    """

    file: str
    events: pd.DataFrame
    rows_read: int = 0
    rows_kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unresolved: Counter[str] = field(default_factory=Counter)
    malformed: list[tuple[str, int, str]] = field(default_factory=list)


def empty_events() -> pd.DataFrame:
    """An events frame with no rows and the right dtypes."""
    return _typed(pd.DataFrame({c: [] for c in EVENT_COLUMNS}))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.loc[:, list(EVENT_COLUMNS)].reset_index(drop=True)
    for col in ("global_event_id",):
        frame[col] = frame[col].astype("int64")
    for col in ("quad_class", "num_mentions", "num_sources", "num_articles"):
        frame[col] = frame[col].astype("int64")
    for col in ("goldstein", "avg_tone"):
        frame[col] = frame[col].astype("float64")
    if len(frame) and not all(type(d) is dt.date for d in frame["date"]):
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
    for col in ("region", "partner", "event_code", "event_root_code", "source_url", "source_file"):
        frame[col] = frame[col].astype(object)
    return frame


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _read_csv_sql(path: Path) -> str:
    columns = ", ".join(f"{_sql_text(c)}: '{NUMERIC.get(c, 'VARCHAR')}'" for c in COLUMNS)
    required = ", ".join(_sql_text(c) for c in NUMERIC)
    return (
        f"read_csv({_sql_text(str(path))}, delim='\\t', header=false, quote='', escape='', "
        f"columns={{{columns}}}, dateformat='%Y%m%d', force_not_null=[{required}], "
        "store_rejects=true, rejects_table='rejects', rejects_scan='reject_scans', "
        "rejects_limit=0, auto_detect=false)"
    )


def filter_file(
    path: str | Path, rule: Rule, threads: int | None = None, name: str | None = None
) -> FileResult:
    """Apply the default rule to one export file (``.CSV`` or ``.CSV.zip``); see the module doc.

    DuckDB reads the file once: ``count(*)`` of the well-formed rows and the rows whose
    ``ActionGeo_ADM1Code`` may be a region's FIPS code (a filtered ``list`` of structs; the
    exact test follows), while its ``store_rejects`` table collects the malformed lines.
    ``threads`` limits DuckDB's threads (one per Dask worker thread). ``name`` is the file's
    name in the results and reports (the URL of a downloaded file; the path by default).
    """
    con = _connect(threads)
    try:
        return _finish(_scan_path(Path(path), rule, con), name or str(path), rule)
    finally:
        con.close()


def _connect(threads: int | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _scan_path(path: Path, rule: Rule, con: duckdb.DuckDBPyConnection) -> _Scan:
    if path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="gdelt-") as tmp:
            return _scan_csv(_unzip(path, Path(tmp)), rule, con)
    return _scan_csv(path, rule, con)


def _unzip(path: Path, into: Path) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.namelist() if not m.endswith("/")]
        if len(members) != 1:
            raise ValueError(f"{path}: expected one CSV file in the zip, found {len(members)}")
        target = into / Path(members[0]).name
        with archive.open(members[0]) as source, target.open("wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
    return target


_HIT_FIELDS = {
    "global_event_id": "GlobalEventID",
    "date": "Day",
    "adm1": "ActionGeo_ADM1Code",
    "actor1": "Actor1CountryCode",
    "actor2": "Actor2CountryCode",
    "event_code": "EventCode",
    "event_root_code": "EventRootCode",
    "quad_class": "QuadClass",
    "goldstein": "GoldsteinScale",
    "num_mentions": "NumMentions",
    "num_sources": "NumSources",
    "num_articles": "NumArticles",
    "avg_tone": "AvgTone",
    "source_url": "SOURCEURL",
}


def _prefilter_sql(rule: Rule) -> str:
    """A cheap superset test of ``ActionGeo_ADM1Code IN (the FIPS codes)``: the code's length and
    its first two characters (a 2-element ``IN``, far cheaper per row than an 85-element one);
    the exact test is applied afterwards to the few rows it lets through."""
    if not rule.fips:
        return "false"
    lengths = ", ".join(str(n) for n in sorted({len(f) for f in rule.fips}))
    prefixes = ", ".join(_sql_text(p) for p in sorted({f[:2] for f in rule.fips}))
    return (
        f"length(ActionGeo_ADM1Code) IN ({lengths}) AND left(ActionGeo_ADM1Code, 2) IN ({prefixes})"
    )


@dataclass
class _Scan:
    """What DuckDB's scan of one file gives: the well-formed rows' count, the candidate rows
    (:data:`_HIT_FIELDS`) and the rejected lines ``(line, error type, column, message)``."""

    rows: int
    hits: pa.Table
    rejects: list[tuple[int, str, str, str]]


def _scan_csv(csv: Path, rule: Rule, con: duckdb.DuckDBPyConnection) -> _Scan:
    fields = ", ".join(f'{_sql_text(k)}: "{v}"' for k, v in _HIT_FIELDS.items())
    # One scan: count(*) of the well-formed rows and the list of the candidate rows (one
    # struct per row; all the checked numeric columns are among its fields, so DuckDB casts,
    # and checks, them on every row, not only on the candidates).
    # Fetched as Arrow: the list is flattened into columns without copying row by row.
    table = con.sql(
        f"SELECT count(*) AS n, list({{{fields}}}) FILTER (WHERE {_prefilter_sql(rule)}) AS hits "
        f"FROM {_read_csv_sql(csv)}"
    ).to_arrow_table()
    rejects = con.execute(
        "SELECT line, min(error_type), min(coalesce(column_name, '')), "
        "min(error_message) FROM rejects GROUP BY line ORDER BY line"
    ).fetchall()
    # The rejects tables of a connection collect every scan: empty them for the next file.
    con.execute("DROP TABLE rejects; DROP TABLE reject_scans")
    n = int(table.column("n")[0].as_py())
    hits = pa.Table.from_struct_array(table.column("hits").combine_chunks().flatten())
    return _Scan(n, hits, rejects)


def _finish(scan: _Scan, name: str, rule: Rule) -> FileResult:
    """The rule's exact region test and partner rule on a file's scan."""
    n, hits, rejects = scan.rows, scan.hits, scan.rejects
    region = pc.index_in(hits.column("adm1"), value_set=pa.array(list(rule.fips), pa.string()))
    in_region = pc.is_valid(region)
    hits = hits.filter(in_region)
    region = region.filter(in_region)
    result = FileResult(file=name, events=empty_events(), rows_read=n + len(rejects))
    for line, kind, column, message in rejects:
        reason = _malformed_reason(kind, column, message)
        result.malformed.append((name, int(line), reason))
    if rejects:
        result.skipped[SKIP_MALFORMED] = len(rejects)
    result.skipped[SKIP_REGION] = n - hits.num_rows
    _apply_partners(hits, region, rule, result)
    result.skipped = Counter({k: v for k, v in result.skipped.items() if v})
    return result


def _malformed_reason(kind: str, column: str, message: str) -> str:
    if kind == "CAST":
        return f"bad value in {column}: {message.split('.', 1)[-1].strip()}"
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"wrong column count ({message.split(':')[-1].strip()} instead of {len(COLUMNS)})"
    return f"{kind.lower()}: {message}"


def _apply_partners(hits: pa.Table, region: pa.Array, rule: Rule, result: FileResult) -> None:
    """Steps 2-4 of the rule on the rows of a registry region (``hits``; ``region``: the index of
    each row's FIPS code in ``rule.fips``), vectorised on arrays of codes.

    The actor codes are dictionary-encoded: the rule (strip, home country, partner lookup) runs
    once per distinct code, and the rows only carry integer codes. For each row, ``c1``/``c2``
    are the codes of actor 1 and 2 (-1: empty or the home country) and ``p1``/``p2`` their
    partners' ranks in alphabetical order (-1: none); actor 2 is dropped when it repeats actor
    1's code or partner, so each row gives each code, and each partner, once.
    """
    m = hits.num_rows
    if m == 0:
        return
    actors = pa.concat_arrays(
        [hits.column("actor1").combine_chunks(), hits.column("actor2").combine_chunks()]
    )
    encoded = pc.dictionary_encode(pc.fill_null(actors, ""))
    distinct = pc.utf8_trim_whitespace(encoded.dictionary).to_pylist()
    codes: dict[str, int] = {}
    code_of = np.full(len(distinct), -1, dtype=np.int64)
    for i, code in enumerate(distinct):
        if code and code != rule.home:
            code_of[i] = codes.setdefault(code, len(codes))
    names = list(codes)
    partners = sorted({rule.partners[c] for c in names if c in rule.partners})
    rank = {p: i for i, p in enumerate(partners)}
    # partner rank of each code, and a trailing -1 so that code -1 maps to partner -1
    partner_of = np.array([rank.get(rule.partners.get(c), -1) for c in names] + [-1], np.int64)
    cid = code_of[encoded.indices.to_numpy()]
    c1, c2 = cid[:m], cid[m:]
    c2 = np.where(c2 == c1, -1, c2)
    p1, p2 = partner_of[c1], partner_of[c2]
    p2 = np.where(p2 == p1, -1, p2)
    # unresolved codes, counted in the order the rows give them (actor 1's, then actor 2's)
    unresolved = np.concatenate([c1[(c1 >= 0) & (p1 < 0)], c2[(c2 >= 0) & (partner_of[c2] < 0)]])
    if len(unresolved):
        counts = pd.Series(np.array(names, dtype=object)[unresolved]).value_counts()
        result.unresolved.update(counts.to_dict())
    with_code = (c1 >= 0) | (c2 >= 0)
    with_partner = (p1 >= 0) | (p2 >= 0)
    result.skipped[SKIP_NO_PARTNER] += int(m - with_code.sum())
    result.skipped[SKIP_UNRESOLVED] += int((with_code & ~with_partner).sum())
    result.rows_kept = int(with_partner.sum())
    rows = np.arange(m)
    row = np.concatenate([rows[p1 >= 0], rows[p2 >= 0]])
    partner = np.concatenate([p1[p1 >= 0], p2[p2 >= 0]])
    event_id = hits.column("global_event_id").to_numpy()
    order = np.lexsort((partner, event_id[row]))  # stable: by event, then partner
    row, partner = row[order], partner[order]
    take = pa.array(row)
    columns = {
        "global_event_id": event_id[row],
        "date": hits.column("date").take(take).to_pandas(date_as_object=True).to_numpy(),
        "region": _objects(list(rule.fips.values()), region.take(take).to_numpy()),
        "partner": _objects(partners, partner),
    }
    for k in ("event_code", "event_root_code"):  # a few distinct codes: one object each
        encoded = pc.dictionary_encode(hits.column(k).take(take)).combine_chunks()
        indices = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy()
        columns[k] = _objects(encoded.dictionary.to_pylist(), indices)
    url = hits.column("source_url").take(take)
    columns["source_url"] = url.to_numpy()
    if url.null_count:
        columns["source_url"][pc.is_null(url).to_numpy()] = np.nan
    columns["source_file"] = _objects([result.file], np.zeros(len(row), np.int64))
    numbers = ("quad_class", "goldstein", "num_mentions", "num_sources", "num_articles", "avg_tone")
    for k in numbers:
        columns[k] = hits.column(k).take(take).to_numpy()
    if any(hits.column(k).null_count for k in ("global_event_id", "date", *numbers)):
        # not expected (the columns are checked), but then convert as :func:`_typed` does
        result.events = _typed(pd.DataFrame(columns))
        return
    for k in numbers:  # own, writable arrays (Arrow's may be read-only views)
        columns[k] = np.array(
            columns[k], dtype=np.float64 if k in ("goldstein", "avg_tone") else np.int64
        )
    # one block per column: no consolidation copy (pandas consolidates when frames are joined)
    result.events = pd.DataFrame(
        {
            k: pd.Series(
                columns[k], dtype=object if columns[k].dtype == object else None, copy=False
            )
            for k in EVENT_COLUMNS
        },
        copy=False,
    )


def _objects(values: list, indices: np.ndarray) -> np.ndarray:
    """``values[indices]`` as an object array (index ``len(values)``: a missing value, NaN as
    pandas gives for a missing string), sharing one Python object per distinct value."""
    return np.array([*values, np.nan], dtype=object)[indices]


# ------------------------------------------------------------------------------- the engines
@dataclass
class FilterReport:
    """The results of all files, in file order, with the totals the fetch command prints."""

    files: list[FileResult]
    engine: str = "duckdb"

    @property
    def events(self) -> pd.DataFrame:
        frames = [f.events for f in self.files if len(f.events)]
        return pd.concat(frames, ignore_index=True) if frames else empty_events()

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_kept(self) -> int:
        return sum(f.rows_kept for f in self.files)

    @property
    def skipped(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(f.skipped)
        return total

    @property
    def unresolved(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(f.unresolved)
        return total

    @property
    def malformed(self) -> list[tuple[str, int, str]]:
        return [m for f in self.files for m in f.malformed]

    def lines(self, max_malformed: int = 20) -> list[str]:
        """The report: read, kept, skipped and why, unresolved codes, malformed lines."""
        skipped = self.skipped
        out = [
            f"GDELT ({self.engine}): {len(self.files)} file(s), read {self.rows_read:,} rows, "
            f"kept {self.rows_kept:,} ({len(self.events):,} event-partner rows), "
            f"skipped {sum(skipped.values()):,}"
        ]
        out += [f"  skipped {n:,}: {why}" for why, n in skipped.most_common()]
        unresolved = self.unresolved
        if unresolved:
            codes = ", ".join(f"{c} {n}" for c, n in unresolved.most_common(10))
            more = " ..." if len(unresolved) > 10 else ""
            out.append(f"  unresolved CAMEO codes (not countries, ignored): {codes}{more}")
        malformed = self.malformed
        out += [f"  malformed {f}:{line}: {why}" for f, line, why in malformed[:max_malformed]]
        if len(malformed) > max_malformed:
            out.append(f"  ... {len(malformed) - max_malformed} more malformed lines")
        return out


def run_duckdb(
    paths: Sequence[str | Path],
    rule: Rule,
    threads: int | None = None,
    names: Sequence[str] | None = None,
) -> FilterReport:
    """The DuckDB engine: :func:`filter_file` on each file in turn (``names`` as there), on one
    DuckDB connection.

    While DuckDB reads a file, a second thread applies the rest of the rule to the previous
    file's candidate rows (DuckDB releases the GIL while it reads), so the Python part of the
    filter overlaps the next scan instead of following it.
    """
    names = list(names) if names is not None else [str(p) for p in paths]
    con = _connect(threads)
    try:
        with ThreadPoolExecutor(max_workers=1) as finisher:
            pending = [
                finisher.submit(_finish, _scan_path(Path(p), rule, con), n, rule)
                for p, n in zip(paths, names, strict=True)
            ]
            results = [f.result() for f in pending]
    finally:
        con.close()
    return FilterReport(results, engine="duckdb")


def run_dask(
    paths: Sequence[str | Path],
    rule: Rule,
    scheduler: str | None = None,
    n_workers: int = 2,
    threads_per_worker: int = 1,
    names: Sequence[str] | None = None,
    duckdb_threads: int = 1,
) -> FilterReport:
    """The Dask engine: each file is one task running :func:`filter_file` (the same function as
    :func:`run_duckdb`); results are gathered and concatenated in file order.

    The parallelism is per file: each task runs DuckDB with ``duckdb_threads`` threads (1 by
    default, so a worker with ``k`` threads runs ``k`` files at once without oversubscribing
    its cores, whether the cluster is local or at ``scheduler``).

    ``scheduler`` is a scheduler address (``tcp://host:8786``); without one a ``LocalCluster``
    of ``n_workers`` processes is started for this run. The files must be readable by the
    workers at the same paths (a shared file system).
    """
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=threads_per_worker,
            processes=True,
            dashboard_address=None,
        )
    try:
        with Client(scheduler or cluster) as client:
            threads = duckdb_threads
            names = list(names) if names is not None else [str(p) for p in paths]
            n = len(names)
            futures = client.map(
                filter_file, [str(p) for p in paths], [rule] * n, [threads] * n, names, pure=False
            )
            results = client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()
    return FilterReport(list(results), engine="dask")


def expand_files(spec: str | Iterable[str]) -> list[Path]:
    """Local files from paths or glob patterns (comma-separated or a list), sorted per pattern."""
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    found: list[Path] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        matches = sorted(glob.glob(part)) if glob.has_magic(part) else [part]
        if not matches:
            raise FileNotFoundError(f"--files: nothing matches {part!r}")
        for match in matches:
            path = Path(match)
            if not path.is_file():
                raise FileNotFoundError(f"--files: no such file {match!r}")
            found.append(path)
    return found


# --------------------------------------------------------------------------- the file list
@dataclass(frozen=True)
class ListedFile:
    """One line of the master file list: ``size md5 url``."""

    size: int
    md5: str
    url: str

    @property
    def timestamp(self) -> dt.datetime | None:
        match = _TIMESTAMP.search(self.url)
        return dt.datetime.strptime(match.group(1), "%Y%m%d%H%M%S") if match else None

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


def master_file_list(text: str) -> list[ListedFile]:
    """Parse GDELT's ``masterfilelist.txt`` or ``lastupdate.txt`` (``size md5 URL`` per line);
    lines that do not have that shape are ignored."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            out.append(ListedFile(int(parts[0]), parts[1].lower(), parts[2]))
    return out


def export_urls(listed: Iterable[ListedFile], start: dt.date, end: dt.date) -> list[ListedFile]:
    """The events export files (``*.export.CSV.zip``) from ``start`` 00:00 to ``end`` 23:59:59
    (UTC), in time order."""
    low = dt.datetime.combine(start, dt.time())
    high = dt.datetime.combine(end, dt.time.max)
    chosen = [f for f in listed if f.timestamp is not None and low <= f.timestamp <= high]
    return sorted(chosen, key=lambda f: (f.timestamp, f.url))


def download(files: Sequence[ListedFile], client: HttpClient, into: Path) -> tuple[list[Path], str]:
    """Fetch each listed file (or reuse it from ``client.cache``) into ``into``, checking size
    and MD5 against the list; returns the paths, in list order, and the retrieval time.

    Raises :class:`FetchError` on the first failure, before anything is written to the ledger.
    """
    into.mkdir(parents=True, exist_ok=True)
    paths = []
    for item in files:
        body = None
        if client.cache is not None:
            cached = client.cache / cache_key(item.url)
            if cached.is_file():
                body = cached.read_bytes()
                if hashlib.md5(body).hexdigest() != item.md5:
                    body = None
        if body is None:
            body = client.get(item.url)
        digest = hashlib.md5(body).hexdigest()
        if len(body) != item.size or digest != item.md5:
            raise FetchError(
                f"could not fetch {item.url}: got {len(body)} bytes with MD5 {digest}, the file "
                f"list says {item.size} bytes with MD5 {item.md5}; nothing was written"
            )
        target = into / item.name
        target.write_bytes(body)
        paths.append(target)
    return paths, retrieved_now()


def file_time(paths: Sequence[Path]) -> str:
    """The retrieval time of local files: the latest modification time, UTC ISO 8601."""
    if not paths:
        return retrieved_now()
    latest = max(p.stat().st_mtime for p in paths)
    return dt.datetime.fromtimestamp(latest, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------- the fetch
@dataclass
class GdeltFetch:
    """One fetch: the filter's report, where the files came from, and what was written."""

    report: FilterReport
    origin: str
    retrieved: str
    inserted: InsertReport | None = None

    def lines(self) -> list[str]:
        out = self.report.lines()
        if self.inserted is not None:
            out.append(self.inserted.summary())
        return out


def fetch(
    store: Store | None,
    *,
    files: str | Sequence[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    file_list: Path | None = None,
    client: HttpClient | None = None,
    engine: str = "duckdb",
    scheduler: str | None = None,
    rule: Rule | None = None,
) -> GdeltFetch:
    """Read GDELT export files, apply the rule and insert the events (all-or-nothing).

    Local files (``files``: paths or globs), or the export files from ``start`` to ``end`` listed
    by the master file list (downloaded with ``client``, or read from ``file_list``, a saved copy
    of ``masterfilelist.txt``), each file downloaded with ``client`` (reused from its cache).
    With ``store=None`` nothing is written (a dry run). A failed download or filter raises before
    anything is written; the insert is one transaction.
    """
    if engine not in ("duckdb", "dask"):
        raise ValueError(f"engine: expected duckdb or dask, got {engine!r}")
    if rule is None:
        rule = Rule.default(store.regions, store.partners) if store else Rule.default()
    with tempfile.TemporaryDirectory(prefix="gdelt-download-") as tmp:
        if files:
            paths = expand_files(files)
            names = [str(p) for p in paths]
            retrieved = file_time(paths)
            origin = ", ".join(names) if len(names) <= 3 else f"{names[0]} ... ({len(names)} files)"
        else:
            if start is None or end is None:
                raise ValueError("give local files, or a date range (start and end)")
            if end < start:
                raise ValueError(f"the range ends ({end}) before it starts ({start})")
            client = client or HttpClient()
            if file_list is not None:
                text = Path(file_list).read_text(encoding="utf-8", errors="replace")
            else:
                text = client.get(MASTER_URL).decode("utf-8", errors="replace")
            listed = export_urls(master_file_list(text), start, end)
            paths, retrieved = download(listed, client, Path(tmp))
            names = [item.url for item in listed]
            origin = f"GDELT 2.0 exports {start} to {end} ({len(listed)} files)"
        if engine == "dask":
            report = run_dask(paths, rule, scheduler=scheduler, names=names)
        else:
            report = run_duckdb(paths, rule, names=names)
    result = GdeltFetch(report=report, origin=origin, retrieved=retrieved)
    if store is not None:
        result.inserted = insert_events(
            store, report.events, retrieved=retrieved, connector=f"{CONNECTOR}@{VERSION}"
        )
    return result
