"""Vectorised parsing of text cells into numbers, years and dates.

Numbers accept a decimal comma ("1,5") as well as a decimal point, and spaces (also non-breaking)
as thousands separators ("1 234,5"); when a cell has both a comma and a point, the comma is a
thousands separator ("1,234.5"). A trailing percent sign divides by 100 where allowed. Dates are
``YYYY-MM-DD`` or ``DD.MM.YYYY``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import numpy as np
import pandas as pd

PLACEHOLDERS = frozenset(
    {
        "н/д",
        "нд",
        "н. д.",
        "—",
        "–",
        "-",
        "--",
        "...",
        "…",
        "x",
        "х",
        "n/a",
        "na",
        "nan",
        "null",
        "none",
        "#н/д",
        "#n/a",
        "?",
        "нет данных",
    }
)
"""Marks that spreadsheets use for "no data"; reported as such rather than as bad numbers."""

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_RU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")


def is_placeholder(text: str) -> bool:
    return text.strip().casefold() in PLACEHOLDERS


def parse_number(text: str, percent: bool = False) -> float | None:
    """One cell as a finite float, or ``None`` when it is not a number."""
    raw = _SPACES.sub("", text)
    divisor = 1.0
    if percent and raw.endswith("%"):
        raw, divisor = raw[:-1], 100.0
    if "," in raw:
        if "." in raw:
            raw = raw.replace(",", "")
        elif _DECIMAL_COMMA.match(raw):
            raw = raw.replace(",", ".")
        else:
            return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value / divisor if np.isfinite(value) else None


def parse_numbers(cells: pd.Series, percent: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of text cells; returns ``(values, ok)``, NaN where not ``ok``.

    Empty cells are not ``ok``: callers decide what an empty cell means.
    """
    text = cells.astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    values[~np.isfinite(values)] = np.nan
    retry = np.isnan(values) & (text != "").to_numpy()
    if retry.any():
        sub = text[retry]
        codes, uniques = pd.factorize(sub)
        parsed = np.array(
            [np.nan if (v := parse_number(u, percent)) is None else v for u in uniques], dtype=float
        )
        values[retry] = parsed[codes]
    return values, ~np.isnan(values)


@functools.lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY`` as a date, or ``None``.

    Cached: a file read in chunks repeats its dates in every chunk.
    """
    text = text.strip()
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _RU_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def looks_like_date(text: str) -> bool:
    """True when ``text`` has the shape of a date, whether or not the day exists."""
    text = text.strip()
    return bool(_ISO_DATE.match(text) or _RU_DATE.match(text))


def parse_dates(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of date cells into an object array of ``datetime.date`` and an ok mask."""
    codes, uniques = pd.factorize(cells.astype(str).str.strip())
    parsed = np.array([parse_date(u) for u in uniques] + [None], dtype=object)
    values = parsed[codes]
    return values, np.array([v is not None for v in parsed])[codes]


def parse_years(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of year cells ("2021", "2021.0") into int64 and an ok mask."""
    values, ok = parse_numbers(cells)
    whole = ok & (np.mod(np.nan_to_num(values), 1) == 0)
    return np.where(whole, np.nan_to_num(values), 0).astype(np.int64), whole


def is_year_header(header: str) -> bool:
    return bool(_YEAR.match(str(header).strip()))
