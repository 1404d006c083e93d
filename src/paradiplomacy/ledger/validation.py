"""Validate imported tables of activity records and statistics (MODEL.md section 2).

Every problem in a file is found at once (and the first ``limit`` shown, in file order), each
located as ``file:row:column`` with what was expected and what was found. Checks are vectorised
over columns: resolving names runs once per distinct value, so a million rows validate in seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process

from paradiplomacy.ledger.parsing import (
    is_placeholder,
    is_year_header,
    parse_dates,
    parse_numbers,
    parse_years,
)
from paradiplomacy.ledger.problems import Problem, ProblemList, describe
from paradiplomacy.ledger.readers import Table
from paradiplomacy.ledger.taxonomy import STATUSES, Taxonomy
from paradiplomacy.registry import NameIndex, PartnerRegistry, RegionRegistry

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
RECORD_COLUMNS = (
    "uid",
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
    "supersedes",
    "source_row",
)
STATS_LONG = ("region", "year", "indicator", "value", "unit", "source")
STATS_COLUMNS = ("uid", "region", "year", "indicator", "value", "unit", "source", "source_row")

MAX_TEXT = {"partner_name": 500, "source": 2000, "note": 10_000, "unit": 60, "indicator": 200}
YEAR_RANGE = (1900, 2100)
FORMULA_PREFIXES = ("=", "+", "-", "@")
_PLACEHOLDER_HINT = "that is a no-data mark: leave the cell empty instead"


@dataclass
class Validated:
    """Clean rows ready to store, and the problems found."""

    frame: pd.DataFrame
    problems: ProblemList
    rows_read: int

    @property
    def ok(self) -> bool:
        return not self.problems


def fingerprint(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Content hash of each row over ``columns`` (BLAKE2b, 128 bits, hex).

    Rows with equal content get equal uids, so re-importing data adds nothing.
    """
    first, *rest = list(columns)
    joined = frame[first].fillna("").astype(str)
    for column in rest:
        joined = joined + "\x1f" + frame[column].fillna("").astype(str)
    return np.array(
        [hashlib.blake2b(s.encode("utf-8"), digest_size=16).hexdigest() for s in joined],
        dtype=object,
    )


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
    def records(self, table: Table, limit: int = 100) -> Validated:
        """Validate activity records; see :data:`RECORD_REQUIRED` and :data:`RECORD_OPTIONAL`."""
        check = _Checker(table, ProblemList(limit))
        frame = table.frame
        check.columns(RECORD_REQUIRED, RECORD_OPTIONAL)
        if "date" not in frame and "year" not in frame and "region" in frame:
            check.file_problem("date", "a 'date' or a 'year' column", "neither")
        if check.problems:
            return Validated(pd.DataFrame(columns=RECORD_COLUMNS), check.problems, len(frame))

        out = pd.DataFrame(index=frame.index)
        out["region"] = check.resolve("region", self.regions.index, _region_expected, self._rhint)
        partner = check.resolve(
            "partner_country",
            self.partners.index,
            "an ISO 3166-1 country code or country name",
            self._phint,
        )
        home = (partner == self.regions.country).to_numpy()
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
        if check.problems:
            return Validated(pd.DataFrame(columns=RECORD_COLUMNS), check.problems, len(frame))

        out["source_row"] = frame.index.to_numpy()
        out["uid"] = fingerprint(
            out.assign(
                date=out["date"].map(lambda d: d.isoformat() if d else ""),
                magnitude=out["magnitude"].map(repr),
                confidence=out["confidence"].map(repr),
            ),
            [c for c in RECORD_COLUMNS if c not in ("uid", "source_row")],
        )
        dupes = out["uid"].duplicated().to_numpy()
        if dupes.any():
            first = out.drop_duplicates("uid").set_index("uid")["source_row"]
            originals = out["uid"].map(first).to_numpy()
            check.flag_rows(
                "-",
                dupes,
                "each record once (add repeated events up in 'magnitude')",
                lambda i: f"a duplicate of row {originals[i]}",
            )
            return Validated(pd.DataFrame(columns=RECORD_COLUMNS), check.problems, len(frame))
        return Validated(out.loc[:, list(RECORD_COLUMNS)], check.problems, len(frame))

    def _when(self, check: _Checker) -> tuple[pd.Series, pd.Series]:
        frame = check.frame
        n = len(frame)
        dates = np.full(n, None, dtype=object)
        has_date = np.zeros(n, dtype=bool)
        if "date" in frame:
            raw = frame["date"].astype(str).str.strip()
            present = (raw != "").to_numpy()
            parsed, ok = parse_dates(raw)
            check.flag("date", present & ~ok, "a date as YYYY-MM-DD or DD.MM.YYYY")
            ok = ok & present
            lo, hi = YEAR_RANGE
            out_of_range = ok & np.array([d is not None and not lo <= d.year <= hi for d in parsed])
            check.flag("date", out_of_range, f"a date between {lo} and {hi}")
            has_date = ok & ~out_of_range
            dates[has_date] = parsed[has_date]
        years = np.zeros(n, dtype=np.int64)
        has_year = np.zeros(n, dtype=bool)
        if "year" in frame:
            raw = frame["year"].astype(str).str.strip()
            present = (raw != "").to_numpy()
            parsed_years, ok = parse_years(raw)
            lo, hi = YEAR_RANGE
            ok = ok & (parsed_years >= lo) & (parsed_years <= hi)
            check.flag("year", present & ~ok, f"a year from {lo} to {hi}")
            has_year = present & ok
            years[has_year] = parsed_years[has_year]
            date_years = np.array([d.year if d else 0 for d in dates])
            clash = has_year & has_date & (date_years != years)
            check.flag_rows(
                "year",
                clash,
                "the year of the date in the same row",
                lambda i: f"{years[i]} beside the date {dates[i].isoformat()}",
            )
        fill = has_date & ~has_year
        years[fill] = [d.year for d in dates[fill]]
        neither = np.ones(n, dtype=bool)
        for column in ("date", "year"):
            if column in frame:
                neither = neither & (frame[column].astype(str).str.strip() == "").to_numpy()
        column = "date" if "date" in frame else "year"
        check.flag_rows(column, neither, "a date or a year", lambda i: "neither")
        return pd.Series(dates, index=frame.index), pd.Series(years, index=frame.index)

    # --------------------------------------------------------------- statistics
    def statistics(self, table: Table, limit: int = 100) -> Validated:
        """Validate statistics in long form or in either wide form.

        Long: ``region, year, indicator, value, unit, source``. Wide by year: ``region,
        indicator, unit, source`` and one column per year (``2019``, ``2020``...). Wide by
        indicator: ``region, year, source`` and one column per indicator whose header names its
        unit, e.g. ``population [thousand persons]``. Empty cells in wide forms mean no data.
        """
        check = _Checker(table, ProblemList(limit))
        frame = table.frame
        if "value" in frame:
            table.layout = "long"
            check.columns(STATS_LONG, ())
            if check.problems:
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
            if check.problems:
                return Validated(pd.DataFrame(columns=STATS_COLUMNS), check.problems, len(frame))
            cells = self._melt(check, year_columns)
            keep_empty = False
        if check.problems:
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
                            "value_column": column,
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
                check.table.name, cells.set_index("row", drop=False), headers=check.table.headers
            ),
            check.problems,
        )
        out = pd.DataFrame(index=sub.frame.index)
        out["region"] = sub.resolve("region", self.regions.index, _region_expected, self._rhint)
        year_raw = sub.frame["year"].astype(str)
        years, ok = parse_years(year_raw)
        lo, hi = YEAR_RANGE
        ok = ok & (years >= lo) & (years <= hi)
        sub.flag("year", ~ok, f"a year from {lo} to {hi}")
        out["year"] = years
        out["indicator"] = sub.text("indicator", required=True)
        out["value"] = sub.number("value", required=True, column_of=sub.frame["value_column"])
        out["unit"] = sub.text("unit", required=True)
        out["source"] = sub.text("source", required=True)
        sub.formula_warning("source")
        if check.problems:
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
                    Problem(
                        check.table.name,
                        int(out["source_row"].iat[i]),
                        str(columns[i]),
                        "one value per region, year and indicator",
                        f"a second value for {out['region'].iat[i]} {out['year'].iat[i]} "
                        f"{out['indicator'].iat[i]!r} (first at row {originals[i]})",
                    )
                )
            check.problems.count_more(max(0, dupes.sum() - check.problems.limit))
            return Validated(pd.DataFrame(columns=STATS_COLUMNS), check.problems, rows_read)
        out["uid"] = fingerprint(
            out.assign(value=out["value"].map(repr)),
            ["region", "year", "indicator", "value", "unit", "source"],
        )
        return Validated(
            out.loc[:, list(STATS_COLUMNS)].reset_index(drop=True), check.problems, rows_read
        )

    # -------------------------------------------------------------------- hints
    def _rhint(self, text: str) -> str:
        return _did_you_mean(self.regions.index, text)

    def _phint(self, text: str) -> str:
        return _did_you_mean(self.partners.index, text)

    def _ihint(self, text: str) -> str:
        hint = _did_you_mean(self._instruments, text)
        return hint or "known: " + ", ".join(self.taxonomy.instruments)


def _region_expected() -> str:
    return "a region code, ISO code, FIPS code or name"


def _did_you_mean(index: NameIndex, text: str) -> str:
    hints = index.suggest(text)
    if not hints:
        return ""
    shown = " or ".join(
        f"{spelling!r} ({code})" if spelling != code else repr(code) for spelling, code in hints
    )
    return f"did you mean {shown}?"


def _split_unit(header: str) -> tuple[str, str]:
    """``"population [thousand persons]"`` -> ``("population", "thousand persons")``."""
    text = header.strip()
    for opening, closing in (("[", "]"), ("(", ")")):
        if text.endswith(closing) and opening in text:
            cut = text.rindex(opening)
            return text[:cut].strip(), text[cut + 1 : -1].strip()
    return text, ""


class _Checker:
    """Column checks over one table that report into one problem list."""

    def __init__(self, table: Table, problems: ProblemList) -> None:
        self.table = table
        self.frame = table.frame
        self.problems = problems
        self.rows = table.frame.index.to_numpy()
        if not problems.column_order:
            problems.column_order = {c: i for i, c in enumerate(table.frame.columns)}

    def file_problem(self, column: str, expected: str, got: str, hint: str = "") -> None:
        self.problems.add(Problem(self.table.name, 1, column, expected, got, hint))

    def columns(
        self, required: Sequence[str], optional: Sequence[str], extra: Sequence[str] = ()
    ) -> None:
        known = [*required, *optional]
        for column in self.frame.columns:
            if column in known or column in extra:
                continue
            match = process.extractOne(column, known, score_cutoff=70)
            hint = f"did you mean {match[0]!r}?" if match else ""
            self.file_problem(
                column,
                "only known columns (" + ", ".join(known) + ")",
                f"unknown column {self.table.headers.get(column, column)!r}",
                hint,
            )
        for column in required:
            if column not in self.frame:
                self.file_problem(column, f"a column {column!r}", "no such column")

    def flag(
        self,
        column: str,
        mask: np.ndarray,
        expected: str,
        hint: str | Callable[[str], str] = "",
        values: pd.Series | None = None,
        column_of: pd.Series | None = None,
    ) -> None:
        """Report every row where ``mask`` is true, showing the cell's value."""
        cells = self.frame[column] if values is None and column in self.frame else values
        where = column_of.to_numpy() if column_of is not None else None
        index = np.flatnonzero(mask)
        for i in index[: self.problems.limit]:
            value = None if cells is None else cells.iat[i]
            text = "" if value is None else str(value)
            extra = hint(text) if callable(hint) else hint
            if text and is_placeholder(text) and "number" in expected:
                extra = _PLACEHOLDER_HINT
            self.problems.add(
                Problem(
                    self.table.name,
                    int(self.rows[i]),
                    str(where[i]) if where is not None else column,
                    expected,
                    describe(value),
                    extra,
                )
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

    def _cells(self, column: str) -> pd.Series:
        return self.frame[column].astype(str).str.strip()

    def resolve(
        self,
        column: str,
        index: NameIndex,
        expected: str | Callable[[], str],
        hint: Callable[[str], str],
    ) -> pd.Series:
        """Resolve names through ``index``: once per distinct value."""
        cells = self._cells(column)
        codes, uniques = pd.factorize(cells)
        resolved = np.array([index.get(u) for u in uniques] + [None], dtype=object)[codes]
        bad = np.array([v is None for v in resolved])
        text = expected() if callable(expected) else expected
        empty = (cells == "").to_numpy()
        self.flag(column, bad & empty, text)
        self.flag(column, bad & ~empty, text, hint=hint)
        return pd.Series(resolved, index=self.frame.index, dtype=object)

    def text(self, column: str, *, required: bool = False, default: str | None = None) -> pd.Series:
        if column not in self.frame:
            return pd.Series(default, index=self.frame.index, dtype=object)
        cells = self.frame[column].astype(str).str.strip()
        empty = (cells == "").to_numpy()
        if required:
            self.flag(column, empty, f"a {column}")
        limit = MAX_TEXT.get(column, 1000)
        lengths = cells.str.len().to_numpy()
        self.flag(column, lengths > limit, f"at most {limit:,} characters")
        fill = default if default is not None else None
        return cells.where(~empty, fill).astype(object)

    def choice(self, column: str, choices: Sequence[str], default: str) -> pd.Series:
        if column not in self.frame:
            return pd.Series(default, index=self.frame.index, dtype=object)
        cells = self._cells(column).str.casefold()
        empty = (cells == "").to_numpy()
        bad = ~empty & ~cells.isin(choices).to_numpy()
        self.flag(column, bad, "one of " + ", ".join(choices))
        return cells.where(~empty, default).astype(object)

    def number(
        self,
        column: str,
        *,
        default: float | None = None,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        percent: bool = False,
        column_of: pd.Series | None = None,
    ) -> pd.Series:
        if column not in self.frame:
            return pd.Series(default, index=self.frame.index, dtype=float)
        cells = self._cells(column)
        empty = (cells == "").to_numpy()
        values, ok = parse_numbers(cells, percent=percent)
        if required:
            self.flag(column, empty, "a number", column_of=column_of)
        self.flag(column, ~empty & ~ok, "a number", column_of=column_of)
        if minimum is not None and maximum is not None:
            bad = ok & ((values < minimum) | (values > maximum))
            self.flag(column, bad, f"a number from {minimum:g} to {maximum:g}", column_of=column_of)
        elif minimum is not None:
            self.flag(
                column,
                ok & (values < minimum),
                f"a number of at least {minimum:g}",
                column_of=column_of,
            )
        if default is not None:
            values = np.where(empty, default, values)
        return pd.Series(values, index=self.frame.index, dtype=float)

    def uid(self, column: str) -> pd.Series:
        if column not in self.frame:
            return pd.Series(None, index=self.frame.index, dtype=object)
        cells = self._cells(column).str.lower()
        empty = (cells == "").to_numpy()
        bad = ~empty & ~cells.str.fullmatch(r"[0-9a-f]{32}").to_numpy()
        self.flag(column, bad, "the 32-character uid of the record it corrects")
        return cells.where(~empty, None).astype(object)

    def formula_warning(self, column: str) -> None:
        if column not in self.frame:
            return
        cells = self._cells(column)
        starts = cells.str.startswith(FORMULA_PREFIXES).to_numpy()
        starts = starts & ~cells.str.fullmatch(r"[-+]?\d[\d.,\s]*").to_numpy()
        for i in np.flatnonzero(starts)[: self.problems.limit]:
            self.problems.add(
                Problem(
                    self.table.name,
                    int(self.rows[i]),
                    column,
                    "plain text",
                    describe(cells.iat[i]),
                    "kept as text; exports never write it as a formula",
                    severity="warning",
                )
            )
