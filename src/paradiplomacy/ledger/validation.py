"""Validate imported tables of activity records and statistics (MODEL.md section 2).

Every problem in a file is found at once (and the first ``limit`` shown, in file order), each
located as ``file:row:column`` with what was expected and what was found. Checks are vectorised
over columns: resolving names runs once per distinct value, so a million rows validate in seconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype
from rapidfuzz import process

from paradiplomacy.ledger.parsing import (
    is_placeholder,
    is_year_header,
    looks_like_date,
    parse_date,
    parse_numbers,
    parse_years,
)
from paradiplomacy.ledger.problems import Problem, ProblemList, describe
from paradiplomacy.ledger.readers import Table
from paradiplomacy.ledger.taxonomy import STATUSES, Taxonomy
from paradiplomacy.registry import NameIndex, PartnerRegistry, RegionRegistry
from paradiplomacy.registry.matching import format_candidates

RECORD_REQUIRED = ("region", "partner_country", "instrument", "source")
RECORD_OPTIONAL = (
    "date",
    "year",
    "partner_name",
    "status",
    "magnitude",
    "unit",
    "confidence",
    "note",
    "supersedes",
)
RECORD_FIELDS = (
    "region",
    "partner_country",
    "partner_name",
    "instrument",
    "date",
    "year",
    "status",
    "magnitude",
    "unit",
    "source",
    "confidence",
    "note",
)
"""The fields of an activity record (MODEL.md section 2), as an import file names them."""
RECORD_COLUMNS = ("uid", *RECORD_FIELDS, "supersedes", "source_row")
STATS_LONG = ("region", "year", "indicator", "value", "unit", "source")
STATS_COLUMNS = ("uid", "region", "year", "indicator", "value", "unit", "source", "source_row")

MAX_TEXT = {"partner_name": 500, "source": 2000, "note": 10_000, "unit": 60, "indicator": 200}
YEAR_RANGE = (1900, 2100)
FORMULA_PREFIXES = ("=", "+", "-", "@")
NO_DATA_HINTS = {
    "magnitude": "that is a no-data mark: give the value, or leave the record out; an empty "
    "magnitude means 1",
    "confidence": "that is a no-data mark: give a confidence, or leave the cell empty for 1",
    "value": "that is a no-data mark: leave the row out when there is no value",
    "wide value": "that is a no-data mark: leave the cell empty when there is no value",
}
_UID = re.compile(r"[0-9a-f]{32}")
UNIT_SEPARATOR = "\x1f"
"""Joins a row's canonical values before they are hashed."""
_blake2b_128 = functools.partial(hashlib.blake2b, digest_size=16)
_NUMBER_LIKE = re.compile(r"[-+]?\d[\d.,\s]*")


DUPLICATE_RECORD = "each record once (add repeated events up in 'magnitude')"
"""What a duplicate row of an import file is reported as expecting."""


def duplicate_of(row: object) -> str:
    """What a duplicate record is reported as: the row it repeats."""
    return f"a duplicate of row {row}"


def second_value(
    file: str, row: int, column: str, region: str, year: object, indicator: str, first: object
) -> Problem:
    """The problem of a second value for a region, year and indicator in one import file."""
    return Problem(
        file,
        row,
        column,
        "one value per region, year and indicator",
        f"a second value for {region} {year} {indicator!r} (first at row {first})",
    )


@dataclass
class Validated:
    """Clean rows ready to store, and the problems found."""

    frame: pd.DataFrame
    problems: ProblemList
    rows_read: int

    @property
    def ok(self) -> bool:
        return not self.problems


def canonical(values: pd.Series | np.ndarray) -> np.ndarray:
    """Each value as the text the uid hashes: ``""`` for missing, ``repr`` for floats, ISO dates.

    Numbers and dates are converted once per distinct value; text passes through.
    """
    array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if is_all_text(array):
        return array.astype(object, copy=False)
    if array.dtype.kind == "f":
        # distinct bit patterns, not values: -0.0 and 0.0 are equal but repr differently
        bits = np.ascontiguousarray(array, dtype=np.float64).view(np.int64)
        codes, uniques = pd.factorize(bits)
        floats = np.asarray(uniques).view(np.float64).tolist()
        return np.array(["" if f != f else repr(f) for f in floats], dtype=object)[codes]
    if array.dtype.kind in "iu":
        codes, uniques = pd.factorize(array)
        return np.array([*map(str, uniques.tolist()), ""], dtype=object)[codes]
    else:
        missing = pd.isna(array)
        present = np.flatnonzero(~missing)
        if not len(present) or isinstance(array[present[0]], str):
            if len(present) == len(array):
                return array.astype(object, copy=False)
            text = array.astype(object)
            text[missing] = ""
            return text
        codes, uniques = pd.factorize(pd.Series(array, dtype=object))
    text = [_canon(u) for u in uniques]
    return np.array([*text, ""], dtype=object)[codes]


def is_all_text(array: np.ndarray) -> bool:
    """True when every cell of ``array`` is a ``str`` (none missing): one fast pass in C."""
    return array.dtype == object and infer_dtype(array, skipna=False) == "string"


def _canon(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else repr(float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fingerprint(frame: pd.DataFrame | dict[str, np.ndarray], columns: Sequence[str]) -> np.ndarray:
    """Content hash of each row over ``columns`` (BLAKE2b, 128 bits, hex).

    The row's canonical values (see :func:`canonical`) are joined with the unit separator
    (U+001F), encoded as UTF-8 and hashed; rows with equal content get equal uids, so
    re-importing adds nothing. The rows are joined, encoded and hashed by chained ``map`` calls,
    which run in C without a Python frame per row.
    """
    cells = [canonical(frame[c]).tolist() for c in columns]
    texts = map(str.encode, map(UNIT_SEPARATOR.join, zip(*cells, strict=True)))
    return np.array(list(map(hashlib.blake2b.hexdigest, map(_blake2b_128, texts))), dtype=object)


class Validator:
    """Checks tables against a region registry, a partner registry and a taxonomy."""

    def __init__(
        self, regions: RegionRegistry, partners: PartnerRegistry, taxonomy: Taxonomy
    ) -> None:
        self.regions = regions
        self.partners = partners
        self.taxonomy = taxonomy
        self._instruments = taxonomy.index()

    # ------------------------------------------------------------------ records
    def records(
        self, table: Table, limit: int = 100, problems: ProblemList | None = None
    ) -> Validated:
        """Validate activity records; see :data:`RECORD_REQUIRED` and :data:`RECORD_OPTIONAL`.

        ``problems`` collects the problems of several chunks of one file (``limit`` is then
        its own); the clean rows are returned only when this table adds no error to it.
        Duplicates are looked for within ``table``; across chunks, the importer looks for them.
        """
        check = _Checker(table, problems if problems is not None else ProblemList(limit))
        frame = table.frame
        check.columns(RECORD_REQUIRED, RECORD_OPTIONAL)
        if "date" not in frame and "year" not in frame and "region" in frame:
            check.file_problem("date", "a 'date' or a 'year' column", "neither")
        if check.failed:
            return Validated(pd.DataFrame(columns=RECORD_COLUMNS), check.problems, len(frame))

        out: dict[str, np.ndarray] = {}
        out["region"] = check.resolve("region", self.regions.index, _region_expected, self._rhint)
        partner = check.resolve(
            "partner_country",
            self.partners.index,
            "an ISO 3166-1 country code or country name",
            self._phint,
        )
        home = partner == self.regions.country
        check.flag("partner_country", home, "a foreign country", hint="not the home country")
        out["partner_country"] = partner
        out["partner_name"] = check.text("partner_name", required=False)
        out["instrument"] = check.resolve(
            "instrument", self._instruments, "an instrument of the taxonomy", self._ihint
        )
        out["date"], out["year"] = self._when(check)
        out["status"] = check.choice("status", STATUSES, default="active")
        out["magnitude"] = check.number("magnitude", default=1.0, minimum=0.0)
        out["unit"] = check.text("unit", default="count")
        out["source"] = check.text("source", required=True)
        out["confidence"] = check.number(
            "confidence", default=1.0, minimum=0.0, maximum=1.0, percent=True
        )
        out["note"] = check.text("note", required=False)
        out["supersedes"] = check.uid("supersedes")
        for column in ("partner_name", "source", "note"):
            check.formula_warning(column)
        if check.failed:
            return Validated(pd.DataFrame(columns=RECORD_COLUMNS), check.problems, len(frame))

        out["source_row"] = frame.index.to_numpy()
        out["uid"] = fingerprint(out, [c for c in RECORD_COLUMNS if c not in ("uid", "source_row")])
        uids = pd.Series(out["uid"], dtype=object)
        dupes = uids.duplicated().to_numpy()
        if dupes.any():
            first = pd.Series(out["source_row"], index=uids)
            first = first[~first.index.duplicated()]
            originals = uids.map(first).to_numpy()
            check.flag_rows("-", dupes, DUPLICATE_RECORD, lambda i: duplicate_of(originals[i]))
            return Validated(pd.DataFrame(columns=RECORD_COLUMNS), check.problems, len(frame))
        return Validated(_frame(out, RECORD_COLUMNS), check.problems, len(frame))

    def _when(self, check: _Checker) -> tuple[np.ndarray, np.ndarray]:
        n = len(check.frame)
        lo, hi = YEAR_RANGE
        dates = np.full(n, None, dtype=object)
        has_date = np.zeros(n, dtype=bool)
        date_years = np.zeros(n, dtype=np.int64)
        empty = np.ones(n, dtype=bool)
        if "date" in check.frame:
            col = check.col("date")  # its distinct cells, stripped: each parsed once
            parsed = np.array([*map(parse_date, col.uniques), None], dtype=object)[:-1]
            ok = np.fromiter((d is not None for d in parsed), dtype=bool, count=len(parsed))
            present = col.uniques != ""
            in_range = np.array([d is not None and lo <= d.year <= hi for d in parsed])
            shaped = np.array([looks_like_date(u) for u in col.uniques], dtype=bool)
            date_format = "a date as YYYY-MM-DD or DD.MM.YYYY"
            check.flag("date", col.rows(present & ~ok & ~shaped), date_format)
            check.flag_rows(
                "date",
                col.rows(present & ~ok & shaped),
                date_format,
                lambda i: f"{describe(col.uniques[col.codes[i]])}, which is not a calendar date",
            )
            check.flag("date", col.rows(ok & ~in_range), f"a date between {lo} and {hi}")
            has_date = col.rows(ok & in_range)
            dates = parsed[col.codes]
            dates[~has_date] = None
            date_years = np.where(has_date, _years_of(parsed)[col.codes], 0)
            empty = empty & col.rows(~present)
        years = np.zeros(n, dtype=np.int64)
        if "year" in check.frame:
            col = check.col("year")
            parsed_years, ok = parse_years(pd.Series(col.uniques, dtype=object))
            present = col.uniques != ""
            ok = ok & (parsed_years >= lo) & (parsed_years <= hi)
            check.flag("year", col.rows(present & ~ok), f"a year from {lo} to {hi}")
            has_year = col.rows(present & ok)
            years = np.where(has_year, parsed_years[col.codes], 0)
            clash = has_year & has_date & (date_years != years)
            check.flag_rows(
                "year",
                clash,
                "the year of the date in the same row",
                lambda i: f"{years[i]} beside the date {dates[i].isoformat()}",
            )
            years = np.where(has_date & ~has_year, date_years, years)
            empty = empty & col.rows(~present)
        else:
            years = date_years
        column = "date" if "date" in check.frame else "year"
        check.flag_rows(column, empty, "a date or a year", lambda i: "neither")
        return dates, years

    # --------------------------------------------------------------- statistics
    def statistics(
        self, table: Table, limit: int = 100, problems: ProblemList | None = None
    ) -> Validated:
        """Validate statistics in long form or in either wide form.

        Long: ``region, year, indicator, value, unit, source``. Wide by year: ``region,
        indicator, unit, source`` and one column per year (``2019``, ``2020``...). Wide by
        indicator: ``region, year, source`` and one column per indicator whose header names its
        unit, e.g. ``population [thousand persons]``. Empty cells in wide forms mean no data.
        ``problems`` is as for :meth:`records`. The clean rows have a column ``value_column``
        beside :data:`STATS_COLUMNS`: the column each value was read from.
        """
        check = _Checker(table, problems if problems is not None else ProblemList(limit))
        frame = table.frame
        if "value" in frame:
            table.layout = "long"
            check.columns(STATS_LONG, ())
            if check.failed:
                return Validated(pd.DataFrame(columns=STATS_COLUMNS), check.problems, len(frame))
            cells = pd.DataFrame(
                {
                    "row": frame.index.to_numpy(),
                    "value_column": "value",
                    "value": frame["value"].to_numpy(),
                    "year": frame["year"].to_numpy(),
                    "indicator": frame["indicator"].to_numpy(),
                    "unit": frame["unit"].to_numpy(),
                    "region": frame["region"].to_numpy(),
                    "source": frame["source"].to_numpy(),
                }
            )
            keep_empty = True
        else:
            year_columns = [c for c in frame.columns if is_year_header(c)]
            if year_columns:
                table.layout = "wide-by-year"
                check.columns(("region", "indicator", "unit", "source"), (), extra=year_columns)
            else:
                table.layout = "wide-by-indicator"
                check.columns(("region", "year", "source"), (), extra=list(frame.columns))
            if check.failed:
                return Validated(pd.DataFrame(columns=STATS_COLUMNS), check.problems, len(frame))
            cells = self._melt(check, year_columns)
            keep_empty = False
        if check.failed:
            return Validated(pd.DataFrame(columns=STATS_COLUMNS), check.problems, len(frame))
        return self._check_cells(check, cells, keep_empty)

    def _melt(self, check: _Checker, year_columns: list[str]) -> pd.DataFrame:
        frame = check.frame
        pieces = []
        if year_columns:
            for column in year_columns:
                pieces.append(
                    pd.DataFrame(
                        {
                            "row": frame.index.to_numpy(),
                            "value_column": column,
                            "value": frame[column].to_numpy(),
                            "year": int(column),
                            "indicator": frame["indicator"].to_numpy(),
                            "unit": frame["unit"].to_numpy(),
                            "region": frame["region"].to_numpy(),
                            "source": frame["source"].to_numpy(),
                        }
                    )
                )
        else:
            for column in frame.columns:
                if column in ("region", "year", "source"):
                    continue
                header = check.table.headers[column]
                name, unit = _split_unit(header)
                if not unit:
                    check.file_problem(
                        column,
                        "a unit in the indicator's header, like 'population [thousand persons]'",
                        repr(header),
                    )
                    continue
                pieces.append(
                    pd.DataFrame(
                        {
                            "row": frame.index.to_numpy(),
                            "value_column": header,
                            "value": frame[column].to_numpy(),
                            "year": frame["year"].to_numpy(),
                            "indicator": name,
                            "unit": unit,
                            "region": frame["region"].to_numpy(),
                            "source": frame["source"].to_numpy(),
                        }
                    )
                )
        if not pieces:
            return pd.DataFrame(columns=["row", "value_column", *STATS_LONG])
        return pd.concat(pieces, ignore_index=True)

    def _check_cells(self, check: _Checker, cells: pd.DataFrame, keep_empty: bool) -> Validated:
        rows_read = len(check.frame)
        if not keep_empty:
            cells = cells[cells["value"].astype(str).str.strip() != ""].reset_index(drop=True)
        sub = _Checker(
            Table(
                check.table.name,
                cells.set_index("row", drop=False),
                layout=check.table.layout,
                headers=check.table.headers,
            ),
            check.problems,
        )
        out = pd.DataFrame(index=sub.frame.index)
        out["region"] = sub.resolve("region", self.regions.index, _region_expected, self._rhint)
        col = sub.col("year")
        years, ok = parse_years(pd.Series(col.uniques, dtype=object))
        lo, hi = YEAR_RANGE
        ok = ok & (years >= lo) & (years <= hi)
        sub.flag("year", col.rows(~ok), f"a year from {lo} to {hi}")
        out["year"] = col.rows(years)
        out["indicator"] = sub.text("indicator", required=True)
        out["value"] = sub.number(
            "value", required=True, column_of=sub.frame["value_column"].to_numpy()
        )
        out["unit"] = sub.text("unit", required=True)
        out["source"] = sub.text("source", required=True)
        sub.formula_warning("source")
        if check.failed:
            return Validated(pd.DataFrame(columns=STATS_COLUMNS), check.problems, rows_read)
        out["source_row"] = sub.frame["row"].to_numpy()
        key = out["region"] + "\x1f" + out["year"].astype(str) + "\x1f" + out["indicator"]
        dupes = key.duplicated().to_numpy()
        if dupes.any():
            first = out.assign(key=key).drop_duplicates("key").set_index("key")["source_row"]
            originals = key.map(first).to_numpy()
            columns = sub.frame["value_column"].to_numpy()
            for i in np.flatnonzero(dupes)[: check.problems.limit]:
                check.problems.add(
                    second_value(
                        check.table.name,
                        int(out["source_row"].iat[i]),
                        str(columns[i]),
                        out["region"].iat[i],
                        out["year"].iat[i],
                        out["indicator"].iat[i],
                        originals[i],
                    )
                )
            check.problems.count_more(max(0, dupes.sum() - check.problems.limit))
            return Validated(pd.DataFrame(columns=STATS_COLUMNS), check.problems, rows_read)
        out["uid"] = fingerprint(out, ["region", "year", "indicator", "value", "unit", "source"])
        out["value_column"] = sub.frame["value_column"].to_numpy()
        return Validated(
            out.loc[:, [*STATS_COLUMNS, "value_column"]].reset_index(drop=True),
            check.problems,
            rows_read,
        )

    # -------------------------------------------------------------------- hints
    def _rhint(self, text: str) -> str:
        return _did_you_mean(self.regions.index, text)

    def _phint(self, text: str) -> str:
        return _did_you_mean(self.partners.index, text)

    def _ihint(self, text: str) -> str:
        hint = _did_you_mean(self._instruments, text)
        return hint or "known: " + ", ".join(self.taxonomy.instruments)


def _frame(columns: dict[str, np.ndarray], order: Sequence[str]) -> pd.DataFrame:
    """A DataFrame of NumPy columns, object columns kept as objects (no string inference)."""
    return pd.DataFrame(
        {
            name: pd.Series(columns[name], dtype=object if columns[name].dtype == object else None)
            for name in order
        }
    )


def _filled(n: int, value: object) -> np.ndarray:
    """An object array of ``n`` references to ``value``.

    ``np.full`` would convert a ``str`` to a NumPy string and back, making ``n`` new objects.
    """
    array = np.empty(n, dtype=object)
    array.fill(value)
    return array


def _years_of(dates: np.ndarray) -> np.ndarray:
    """The year of each date (``0`` where there is none), found once per distinct date."""
    codes, uniques = pd.factorize(pd.Series(dates, dtype=object))
    years = np.array([d.year for d in uniques] + [0], dtype=np.int64)
    return years[codes]


def _region_expected() -> str:
    return "a region code, ISO code, FIPS code or name"


def _did_you_mean(index: NameIndex, text: str) -> str:
    hints = index.suggest(text)
    return f"did you mean {format_candidates(hints)}?" if hints else ""


def _split_unit(header: str) -> tuple[str, str]:
    """``"population [thousand persons]"`` -> ``("population", "thousand persons")``."""
    text = header.strip()
    for opening, closing in (("[", "]"), ("(", ")")):
        if text.endswith(closing) and opening in text:
            cut = text.rindex(opening)
            return text[:cut].strip(), text[cut + 1 : -1].strip()
    return text, ""


@dataclass
class _Column:
    """A column factorised: ``uniques[codes]`` gives back its (stripped) cells."""

    codes: np.ndarray
    uniques: np.ndarray

    def rows(self, per_unique: np.ndarray) -> np.ndarray:
        """Expand a per-distinct-value array to one value per row."""
        return np.asarray(per_unique)[self.codes]


class _Checker:
    """Column checks over one table that report into one problem list.

    Every check works on the distinct values of a column, then expands to rows, so its cost
    grows with the number of distinct values rather than rows.
    """

    def __init__(self, table: Table, problems: ProblemList) -> None:
        self.table = table
        self.frame = table.frame
        self.problems = problems
        self.mark = problems.total
        self.rows = table.frame.index.to_numpy()
        self._columns: dict[str, _Column] = {}
        if not problems.column_order:
            problems.column_order = {c: i for i, c in enumerate(table.frame.columns)}

    @property
    def failed(self) -> bool:
        """True when this table added an error to the problem list."""
        return self.problems.total > self.mark

    def col(self, name: str) -> _Column:
        if name not in self._columns:
            codes, uniques = pd.factorize(self.frame[name].astype(str).str.strip())
            self._columns[name] = _Column(np.asarray(codes), np.asarray(uniques, dtype=object))
        return self._columns[name]

    def file_problem(self, column: str, expected: str, got: str, hint: str = "") -> None:
        self.problems.add(Problem(self.table.name, 1, column, expected, got, hint))

    def columns(
        self, required: Sequence[str], optional: Sequence[str], extra: Sequence[str] = ()
    ) -> None:
        known = [*required, *optional]
        suggested = set()
        for column in self.frame.columns:
            if column in known or column in extra:
                continue
            missing = [c for c in known if c not in self.frame]
            match = process.extractOne(column, missing, score_cutoff=70) if missing else None
            hint = f"did you mean {match[0]!r}?" if match else ""
            if match:
                suggested.add(match[0])
            self.file_problem(
                column,
                "only known columns (" + ", ".join(known) + ")",
                f"unknown column {self.table.headers.get(column, column)!r}",
                hint,
            )
        for column in required:
            if column not in self.frame and column not in suggested:
                self.file_problem(column, f"a column {column!r}", "no such column")

    def flag(
        self,
        column: str,
        mask: np.ndarray,
        expected: str,
        hint: str | Callable[[str], str] = "",
        column_of: np.ndarray | None = None,
        got: Callable[[object], str] = describe,
    ) -> None:
        """Report every row where ``mask`` is true, showing the cell's value (``got``)."""
        index = np.flatnonzero(mask)
        if not len(index):
            return
        cells = self.frame.get(column)
        hints: dict[str, str] = {}
        for i in index[: self.problems.limit]:
            value = None if cells is None else cells.iat[i]
            text = "" if value is None else str(value).strip()
            if text and is_placeholder(text) and "number" in expected:
                key = (
                    "wide value"
                    if column == "value" and self.table.layout.startswith("wide")
                    else column
                )
                extra = NO_DATA_HINTS.get(key, "that is a no-data mark")
            elif callable(hint):
                extra = hints[text] if text in hints else hints.setdefault(text, hint(text))
            else:
                extra = hint
            where = str(column_of[i]) if column_of is not None else column
            self.problems.add(
                Problem(self.table.name, int(self.rows[i]), where, expected, got(value), extra)
            )
        self.problems.count_more(max(0, len(index) - self.problems.limit))

    def flag_rows(
        self, column: str, mask: np.ndarray, expected: str, got: Callable[[int], str]
    ) -> None:
        """Report every row where ``mask`` is true, describing it with ``got(i)``."""
        index = np.flatnonzero(mask)
        for i in index[: self.problems.limit]:
            self.problems.add(Problem(self.table.name, int(self.rows[i]), column, expected, got(i)))
        self.problems.count_more(max(0, len(index) - self.problems.limit))

    def resolve(
        self,
        column: str,
        index: NameIndex,
        expected: str | Callable[[], str],
        hint: Callable[[str], str],
    ) -> np.ndarray:
        """Resolve names through ``index``, once per distinct value."""
        col = self.col(column)
        matches = [index.lookup(u) for u in col.uniques]
        resolved = np.array([m.code for m in matches] + [None], dtype=object)[:-1]
        bad = np.array([v is None for v in resolved], dtype=bool)
        ambiguous = np.array([m.ambiguous for m in matches], dtype=bool)
        empty = col.uniques == ""
        text = expected() if callable(expected) else expected
        self.flag(column, col.rows(bad & empty), text)
        self.flag(column, col.rows(bad & ~empty & ~ambiguous), text, hint=hint)
        if ambiguous.any():
            by_text = {m.text: m for m in matches if m.ambiguous}
            self.flag(
                column,
                col.rows(ambiguous),
                f"a name of one {index.label}",
                hint=lambda t: f"did you mean {format_candidates(by_text[t].candidates)}?",
                got=lambda value: f"{describe(value)}, which is ambiguous",
            )
        return resolved[col.codes]

    def text(
        self, column: str, *, required: bool = False, default: str | None = None
    ) -> np.ndarray:
        n = len(self.frame)
        if column not in self.frame:
            return _filled(n, default)
        col = self.col(column)
        empty = col.uniques == ""
        if required:
            self.flag(column, col.rows(empty), f"a {column}")
        limit = MAX_TEXT.get(column, 1000)
        lengths = np.fromiter(map(len, col.uniques), dtype=np.int64, count=len(col.uniques))
        self.flag(column, col.rows(lengths > limit), f"at most {limit:,} characters")
        values = np.where(empty, default, col.uniques).astype(object)
        return values[col.codes]

    def choice(self, column: str, choices: Sequence[str], default: str) -> np.ndarray:
        if column not in self.frame:
            return _filled(len(self.frame), default)
        col = self.col(column)
        folded = np.array([u.casefold() for u in col.uniques], dtype=object)
        empty = folded == ""
        bad = ~empty & ~np.isin(folded, list(choices))
        self.flag(column, col.rows(bad), "one of " + ", ".join(choices))
        return np.where(empty, default, folded).astype(object)[col.codes]

    def number(
        self,
        column: str,
        *,
        default: float | None = None,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        percent: bool = False,
        column_of: np.ndarray | None = None,
    ) -> np.ndarray:
        if column not in self.frame:
            return np.full(len(self.frame), np.nan if default is None else default, dtype=float)
        col = self.col(column)
        empty = col.uniques == ""
        values, ok = parse_numbers(pd.Series(col.uniques, dtype=object), percent=percent)
        if required:
            self.flag(column, col.rows(empty), "a number", column_of=column_of)
        self.flag(column, col.rows(~empty & ~ok), "a number", column_of=column_of)
        if minimum is not None and maximum is not None:
            bad = ok & ((values < minimum) | (values > maximum))
            expected = f"a number from {minimum:g} to {maximum:g}"
            self.flag(column, col.rows(bad), expected, column_of=column_of)
        elif minimum is not None:
            expected = f"a number of at least {minimum:g}"
            self.flag(column, col.rows(ok & (values < minimum)), expected, column_of=column_of)
        if default is not None:
            values = np.where(empty, default, values)
        return values[col.codes]

    def uid(self, column: str) -> np.ndarray:
        if column not in self.frame:
            return np.full(len(self.frame), None, dtype=object)
        col = self.col(column)
        lowered = np.array([u.lower() for u in col.uniques], dtype=object)
        empty = lowered == ""
        bad = ~empty & ~np.array([bool(_UID.fullmatch(u)) for u in lowered], dtype=bool)
        self.flag(column, col.rows(bad), "the 32-character uid of the record it corrects")
        return np.where(empty, None, lowered).astype(object)[col.codes]

    def formula_warning(self, column: str) -> None:
        if column not in self.frame:
            return
        cells = self.frame[column].astype(str).str.strip()
        candidates = np.flatnonzero(cells.str.startswith(FORMULA_PREFIXES).to_numpy())
        shown = 0
        for i in candidates:
            text = cells.iat[i]
            if _NUMBER_LIKE.fullmatch(text):
                continue
            self.problems.add(
                Problem(
                    self.table.name,
                    int(self.rows[i]),
                    column,
                    "plain text",
                    describe(text),
                    "kept as text; exports never write it as a formula",
                    severity="warning",
                )
            )
            shown += 1
            if shown == self.problems.limit:
                break
