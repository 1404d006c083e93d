"""The index framework: COINr's iData and iMeta tables, validated, sorted and indexed.

A :class:`Framework` holds what COINr's ``new_coin`` builds (COMPOSITE-METHODS.md section 2):
the sorted ``iMeta``, the ``Raw`` data set (indicator columns in the original ``iMeta`` order),
the unit metadata (names, groups, ``Time``, denominators), the lineage table and the original
weights. It can be made from COINr's two tables (CSV, XLSX or pandas, unchanged) or from a YAML
hierarchy plus ``iData``. Every structural problem is reported at once, each naming the file,
row and column and what was expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .collation import collation_key, collation_order
from .errors import CompositeError, read_yaml

INDEX_TYPES = ("Indicator", "Aggregate")
META_TYPES = ("Group", "Denominator", "Other")
REQUIRED_META = ("Level", "iCode", "Parent", "Direction", "Type", "Weight")
RESERVED_DATA = ("uCode", "uName", "Time")
_CODE = re.compile(r"^[^\s\d][^\s]*$")
MAX_PROBLEMS = 50


class FrameworkError(CompositeError):
    """The iData/iMeta tables or the YAML hierarchy cannot make an index; lists every problem."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        shown = self.problems[:MAX_PROBLEMS]
        more = len(self.problems) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more" if more else "")
        super().__init__(f"{len(self.problems)} problem(s) in the index framework:\n{text}")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "NA")


def read_table(source: str | Path | pd.DataFrame, what: str) -> tuple[pd.DataFrame, str]:
    """Read iData or iMeta from CSV, XLSX or a DataFrame; returns the table and its label.

    CSV follows R's ``write.csv`` conventions: ``NA`` and empty cells are missing.
    """
    if isinstance(source, pd.DataFrame):
        return source.copy(), what
    path = Path(source)
    if not path.exists():
        raise CompositeError(f"{what}: file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = pd.read_excel(path, dtype=object)
    elif suffix in (".csv", ".txt", ".tsv"):
        sep = "\t" if suffix == ".tsv" else None
        try:
            table = pd.read_csv(
                path,
                sep=sep,
                engine="python",
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
            )
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise CompositeError(f"{path}: not a readable CSV table ({exc})") from exc
        table = table.replace({"NA": np.nan, "": np.nan})
    else:
        raise CompositeError(f"{path}: expected a .csv or .xlsx file, got '{path.suffix}'")
    if table.empty and len(table.columns) == 0:
        raise CompositeError(f"{path}: the file is empty")
    return table, str(path)


@dataclass(frozen=True)
class Framework:
    """The validated index structure and data; see the module docstring.

    Attributes:
        imeta: ``iMeta`` sorted by (Level, Parent) in collation order, stable, missing last.
        raw: the ``Raw`` data set, indexed by ``uCode`` (units in collation order), one float
            column per indicator in the original ``iMeta`` order.
        units: unit metadata indexed by ``uCode``: ``uName`` and every non-indicator column of
            ``iData`` in its order (groups, ``Time``, denominators, other).
        level_names: one name per level, from the indicators (level 1) up.
        sources: where the tables came from (labels or paths).
    """

    imeta: pd.DataFrame
    raw: pd.DataFrame
    units: pd.DataFrame
    level_names: tuple[str, ...]
    sources: dict[str, str] = field(default_factory=dict)

    @cached_property
    def indicators(self) -> list[str]:
        """Indicator codes in the column order of every data set (original ``iMeta`` order)."""
        return list(self.raw.columns)

    @cached_property
    def max_level(self) -> int:
        return int(self.imeta["Level"].max())

    @cached_property
    def index_meta(self) -> pd.DataFrame:
        """The Indicator and Aggregate rows of the sorted ``iMeta``."""
        meta = self.imeta[self.imeta["Type"].isin(INDEX_TYPES)].copy()
        meta["Level"] = meta["Level"].astype(int)
        return meta.reset_index(drop=True)

    @cached_property
    def parents(self) -> dict[str, str | None]:
        return {
            row.iCode: (None if _is_missing(row.Parent) else row.Parent)
            for row in self.index_meta.itertuples()
        }

    @cached_property
    def weights(self) -> pd.Series:
        """Original weights (``iMeta$Weight``) of indicators and aggregates, by code."""
        return pd.Series(
            self.index_meta["Weight"].astype(float).to_numpy(),
            index=self.index_meta["iCode"],
            name="Weight",
        )

    @cached_property
    def directions(self) -> pd.Series:
        return pd.Series(
            self.index_meta["Direction"].astype(float).to_numpy(),
            index=self.index_meta["iCode"],
            name="Direction",
        )

    @cached_property
    def levels(self) -> pd.Series:
        return pd.Series(
            self.index_meta["Level"].to_numpy(), index=self.index_meta["iCode"], name="Level"
        )

    def codes_at(self, level: int) -> list[str]:
        """Codes at ``level`` in sorted-``iMeta`` order."""
        return list(self.index_meta.loc[self.index_meta["Level"] == level, "iCode"])

    def groups(self, level: int) -> list[tuple[str, list[str]]]:
        """Aggregation groups formed by the codes at ``level``: (parent, children) pairs.

        Groups come in collation order of the parent code, children in sorted-``iMeta`` order
        (COMPOSITE-METHODS.md 8.1 step 1).
        """
        rows = self.index_meta[self.index_meta["Level"] == level]
        by_parent: dict[str, list[str]] = {}
        for code, parent in zip(rows["iCode"], rows["Parent"], strict=True):
            by_parent.setdefault(parent, []).append(code)
        return [(p, by_parent[p]) for p in sorted(by_parent, key=collation_key)]

    def children(self, code: str) -> list[str]:
        return [c for c, p in self.parents.items() if p == code]

    def aggregate_order(self) -> list[str]:
        """Aggregate codes in the column order of the ``Aggregated`` data set."""
        return [p for level in range(1, self.max_level) for p, _ in self.groups(level)]

    @cached_property
    def top_codes(self) -> list[str]:
        return self.codes_at(self.max_level)

    @cached_property
    def lineage(self) -> pd.DataFrame:
        """One row per indicator: its code and its ancestor at each level (section 2.3 step 8).

        Rows are sorted by the top-level column, then downwards, finally the indicator code, all
        in collation order.
        """
        rows = []
        for code in self.indicators:
            chain = [code]
            while (parent := self.parents.get(chain[-1])) is not None:
                chain.append(parent)
            rows.append(chain)
        table = pd.DataFrame(rows, columns=list(self.level_names))
        keys = [tuple(collation_key(v) for v in reversed(row)) for row in rows]
        order = sorted(range(len(rows)), key=lambda i: keys[i])
        return table.iloc[order].reset_index(drop=True)

    def ancestor(self, code: str, level: int) -> str:
        """The ancestor of ``code`` at ``level`` (the code itself at its own level)."""
        current = code
        while int(self.levels[current]) < level:
            parent = self.parents[current]
            if parent is None:
                raise CompositeError(f"{code} has no ancestor at level {level}")
            current = parent
        return current

    def descendants(self, code: str, level: int) -> list[str]:
        """Descendants of ``code`` at ``level`` in lineage order (section 12.1 step 1)."""
        column = self.level_names[level - 1]
        owner = self.level_names[int(self.levels[code]) - 1]
        mask = self.lineage[owner] == code
        return list(dict.fromkeys(self.lineage.loc[mask, column]))

    def group_column(self, name: str) -> pd.Series:
        if name not in self.units.columns:
            known = ", ".join(self.units.columns) or "none"
            raise CompositeError(f"no unit column '{name}' in iData; the unit columns are {known}")
        return self.units[name]

    def exclude(self, codes: Iterable[str]) -> Framework:
        """A framework without the given indicators (and any aggregate left childless)."""
        drop = set(codes)
        unknown = drop.difference(self.indicators)
        if unknown:
            raise CompositeError(f"exclude: not indicators: {', '.join(sorted(unknown))}")
        meta = self.imeta[~self.imeta["iCode"].isin(drop)]
        has_child = set(meta["Parent"].dropna())
        lonely = meta["Type"].eq("Aggregate") & ~meta["iCode"].isin(has_child)
        meta = meta[~lonely].reset_index(drop=True)
        raw = self.raw.drop(columns=sorted(drop))
        return Framework(meta, raw, self.units, self.level_names, dict(self.sources))

    def to_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """COINr's (iData, iMeta) tables for this framework."""
        idata = self.units.join(self.raw).reset_index()
        first = ["uCode", "uName"]
        idata = idata[first + [c for c in idata.columns if c not in first]]
        return idata, self.imeta.copy()

    def to_yaml_dict(self) -> dict[str, Any]:
        """The hierarchy in the YAML form accepted by :func:`framework_from_yaml`."""

        def node(code: str) -> dict[str, Any]:
            row = self.index_meta.set_index("iCode").loc[code]
            out: dict[str, Any] = {"code": code, "name": str(row["iName"])}
            out["weight"] = float(row["Weight"])
            if float(row["Direction"]) != 1:
                out["direction"] = int(row["Direction"])
            for key, column in (("unit", "Unit"), ("target", "Target")):
                if column in row.index and not _is_missing(row[column]):
                    out[key] = row[column] if key == "unit" else float(row[column])
            if "Denominator" in row.index and not _is_missing(row["Denominator"]):
                out["denominator"] = str(row["Denominator"])
            kids = [c for c in self._original_order if self.parents.get(c) == code]
            if kids:
                out["children"] = [node(k) for k in kids]
            return out

        others = self.imeta[self.imeta["Type"].isin(META_TYPES)]
        return {
            "level_names": list(self.level_names),
            "index": [node(code) for code in self.top_codes],
            "unit_columns": [
                {"code": r.iCode, "name": str(r.iName), "type": r.Type} for r in others.itertuples()
            ],
        }

    @cached_property
    def _original_order(self) -> list[str]:
        if "_row" in self.imeta.columns:
            return list(self.imeta.sort_values("_row")["iCode"])
        return list(self.imeta["iCode"])


def load_framework(
    idata: str | Path | pd.DataFrame,
    imeta: str | Path | pd.DataFrame,
    *,
    level_names: Sequence[str] | None = None,
    exclude: Iterable[str] = (),
) -> Framework:
    """Build a :class:`Framework` from COINr's iData and iMeta (paths or DataFrames)."""
    data, data_label = read_table(idata, "iData")
    meta, meta_label = read_table(imeta, "iMeta")
    framework = _assemble(data, meta, data_label, meta_label, level_names)
    excluded = list(exclude)
    return framework.exclude(excluded) if excluded else framework


def _row_label(label: str, i: int) -> str:
    """File:row for a 0-based data row; row 1 is the header, as a spreadsheet shows it."""
    return f"{label}:{i + 2}"


def _validate_meta(meta: pd.DataFrame, label: str) -> tuple[pd.DataFrame, list[str]]:
    problems: list[str] = []
    missing = [c for c in REQUIRED_META if c not in meta.columns]
    if missing:
        raise FrameworkError(
            [f"{label}: expected columns {', '.join(REQUIRED_META)}; missing {', '.join(missing)}"]
        )
    meta = meta.copy()
    meta["_row"] = np.arange(len(meta))
    if "iName" not in meta.columns:
        meta["iName"] = meta["iCode"]
    meta["iName"] = [
        c if _is_missing(n) else n for c, n in zip(meta["iCode"], meta["iName"], strict=True)
    ]
    for column in ("Parent", "Type", "Unit", "Denominator"):
        if column in meta.columns:
            meta[column] = pd.Series(
                [None if _is_missing(v) else str(v).strip() for v in meta[column]],
                index=meta.index,
                dtype=object,
            )

    codes = []
    for i, code in enumerate(meta["iCode"]):
        where = f"{_row_label(label, i)}:iCode"
        if _is_missing(code):
            problems.append(f"{where}: expected a code, got an empty cell")
            codes.append(None)
            continue
        code = str(code).strip()
        if not _CODE.match(code):
            problems.append(
                f"{where}: expected a code without blanks that does not start with a digit, "
                f"got '{code}'"
            )
        codes.append(code)
    meta["iCode"] = pd.Series(codes, index=meta.index, dtype=object)
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code is None:
            continue
        if code in seen:
            problems.append(
                f"{_row_label(label, i)}:iCode: duplicate code '{code}' "
                f"(first at row {seen[code] + 2})"
            )
        else:
            seen[code] = i

    for column in ("Level", "Direction", "Weight", "Target"):
        if column not in meta.columns:
            continue
        values = []
        for i, value in enumerate(meta[column]):
            if _is_missing(value):
                values.append(np.nan)
                continue
            try:
                values.append(float(value))
            except (TypeError, ValueError):
                problems.append(
                    f"{_row_label(label, i)}:{column}: expected a number, got '{value}'"
                )
                values.append(np.nan)
        meta[column] = values

    for i, row in enumerate(meta.itertuples()):
        where = _row_label(label, i)
        kind = row.Type
        if kind not in INDEX_TYPES + META_TYPES:
            problems.append(
                f"{where}:Type: expected one of {', '.join(INDEX_TYPES + META_TYPES)}, got '{kind}'"
            )
            continue
        if kind in META_TYPES:
            continue
        if math.isnan(row.Level) or row.Level != int(row.Level) or row.Level < 1:
            problems.append(f"{where}:Level: expected a whole number >= 1, got {row.Level}")
        elif kind == "Indicator" and row.Level != 1:
            problems.append(f"{where}:Level: expected 1 for an Indicator, got {int(row.Level)}")
        elif kind == "Aggregate" and row.Level < 2:
            problems.append(
                f"{where}:Level: expected 2 or more for an Aggregate, got {int(row.Level)}"
            )
        if row.Direction not in (-1.0, 1.0):
            problems.append(f"{where}:Direction: expected 1 or -1, got {row.Direction}")
        if math.isnan(row.Weight):
            problems.append(f"{where}:Weight: expected a number, got an empty cell")
        elif row.Weight < 0:
            problems.append(f"{where}:Weight: expected a weight >= 0, got {row.Weight}")
        targets = "Target" in meta.columns and meta["Target"].notna().any()
        if targets and kind == "Indicator" and math.isnan(row.Target):
            problems.append(
                f"{where}:Target: expected a target for every indicator, got an empty cell"
            )
    return meta, problems


def _validate_tree(meta: pd.DataFrame, label: str) -> list[str]:
    problems: list[str] = []
    index_rows = meta[meta["Type"].isin(INDEX_TYPES) & meta["Level"].notna()]
    level_of = dict(zip(index_rows["iCode"], index_rows["Level"], strict=True))
    parent_of = dict(zip(index_rows["iCode"], index_rows["Parent"], strict=True))
    if not level_of:
        return [f"{label}: expected at least one Indicator row, found none"]
    max_level = int(max(level_of.values()))
    present = {int(v) for v in level_of.values()}
    gaps = [lv for lv in range(1, max_level + 1) if lv not in present]
    if gaps:
        problems.append(
            f"{label}:Level: expected every level from 1 to {max_level}; "
            f"level(s) {', '.join(map(str, gaps))} have no entries"
        )
    for i, row in enumerate(meta.itertuples()):
        if row.Type not in INDEX_TYPES or row.iCode not in level_of:
            continue
        where = f"{_row_label(label, i)}:Parent"
        level = int(row.Level)
        if row.Parent is None:
            if level != max_level:
                problems.append(
                    f"{where}: expected the parent of '{row.iCode}' (level {level}); only the top "
                    f"level {max_level} has no parent"
                )
            continue
        if level == max_level:
            problems.append(
                f"{where}: expected no parent at the top level {max_level}, got '{row.Parent}'"
            )
            continue
        if row.Parent not in level_of:
            hint = ""
            if row.Parent in set(meta["iCode"]):
                hint = " (it is not an Indicator or Aggregate)"
            problems.append(
                f"{where}: expected the code of an aggregate, got unknown '{row.Parent}'{hint}"
            )
            continue
        if int(level_of[row.Parent]) != level + 1:
            problems.append(
                f"{where}: expected a parent at level {level + 1} for '{row.iCode}' "
                f"(level {level}), "
                f"got '{row.Parent}' at level {int(level_of[row.Parent])}"
            )
    # Cycles: follow parents from every code.
    reported: set[frozenset[str]] = set()
    for start in parent_of:
        path, current = [start], parent_of[start]
        while current is not None and current in parent_of and current not in path:
            path.append(current)
            current = parent_of[current]
        if current is not None and current in path:
            cycle = [*path[path.index(current) :], current]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                problems.append(f"{label}:Parent: cyclic parents: {' -> '.join(cycle)}")
    parents_used = set(index_rows["Parent"].dropna())
    for i, row in enumerate(meta.itertuples()):
        if row.Type == "Aggregate" and row.iCode not in parents_used:
            problems.append(
                f"{_row_label(label, i)}:iCode: aggregate '{row.iCode}' at level "
                f"{int(row.Level) if not math.isnan(row.Level) else '?'} has no children"
            )
    # Weights within each group: not all zero.
    for parent, group in index_rows.groupby("Parent", sort=False):
        if (group["Weight"].fillna(0) == 0).all():
            problems.append(
                f"{label}:Weight: expected at least one positive weight among the children of "
                f"'{parent}' ({', '.join(group['iCode'])}), got all zero"
            )
    tops = index_rows[index_rows["Level"] == max_level]
    if len(tops) > 1 and (tops["Weight"].fillna(0) == 0).all():
        problems.append(f"{label}:Weight: the top-level codes all have weight zero")
    return problems


def _validate_data(
    data: pd.DataFrame, meta: pd.DataFrame, label: str, meta_label: str
) -> tuple[pd.DataFrame, list[str]]:
    problems: list[str] = []
    columns = [str(c).strip() for c in data.columns]
    data = data.copy()
    data.columns = columns
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        return data, [f"{label}: duplicate column name(s) {', '.join(dupes)}"]
    if "uCode" not in columns:
        return data, [f"{label}: expected a 'uCode' column, found columns {', '.join(columns)}"]
    for column in columns:
        if not _CODE.match(column):
            problems.append(
                f"{label}:1:{column}: expected a column name without blanks that does not start "
                "with a digit"
            )
    known = dict(zip(meta["iCode"], meta["Type"], strict=True))
    for column in columns:
        if column in RESERVED_DATA:
            continue
        if column not in known:
            problems.append(
                f"{label}:1:{column}: expected every column to be described in {meta_label} "
                f"(iCode), got '{column}' which is not there"
            )
        elif known[column] == "Aggregate":
            problems.append(
                f"{label}:1:{column}: '{column}' is an Aggregate in {meta_label}; aggregates are "
                "computed, not given in iData"
            )
    for code, kind in known.items():
        if code is not None and kind in ("Indicator", *META_TYPES) and code not in columns:
            problems.append(
                f"{meta_label}: {kind} '{code}' has no column in {label}"
                + (" (an indicator without data)" if kind == "Indicator" else "")
            )

    seen: dict[str, int] = {}
    ucodes = []
    for i, value in enumerate(data["uCode"]):
        where = f"{_row_label(label, i)}:uCode"
        if _is_missing(value):
            problems.append(f"{where}: expected a unit code, got an empty cell")
            ucodes.append(None)
            continue
        code = str(value).strip()
        if not _CODE.match(code):
            problems.append(
                f"{where}: expected a code without blanks that does not start with a digit, "
                f"got '{code}'"
            )
        if code in columns:
            problems.append(f"{where}: unit code '{code}' equals a column name")
        if code in seen:
            problems.append(
                f"{where}: duplicate unit code '{code}' (first at row {seen[code] + 2})"
            )
        seen.setdefault(code, i)
        ucodes.append(code)
    data["uCode"] = ucodes

    numeric = [c for c in columns if known.get(c) in ("Indicator", "Denominator")]
    if "Time" in columns:
        numeric.append("Time")
    for column in numeric:
        values = np.full(len(data), np.nan)
        bad = 0
        for i, value in enumerate(data[column]):
            if _is_missing(value):
                continue
            try:
                values[i] = float(value)
            except (TypeError, ValueError):
                bad += 1
                if bad <= 5:
                    problems.append(
                        f"{_row_label(label, i)}:{column}: expected a number, got '{value}'"
                    )
        if bad > 5:
            problems.append(f"{label}:{column}: {bad - 5} more non-numeric value(s)")
        if not np.isfinite(values).any() and known.get(column) == "Indicator" and not bad:
            problems.append(
                f"{label}:{column}: indicator '{column}' has no data (every value is missing)"
            )
        data[column] = values
    return data, problems


def _assemble(
    data: pd.DataFrame,
    meta: pd.DataFrame,
    data_label: str,
    meta_label: str,
    level_names: Sequence[str] | None,
) -> Framework:
    meta, problems = _validate_meta(meta, meta_label)
    if not problems:
        problems += _validate_tree(meta, meta_label)
    if not problems:
        data, data_problems = _validate_data(data, meta, data_label, meta_label)
        problems += data_problems
    if problems:
        raise FrameworkError(problems)

    max_level = int(meta.loc[meta["Type"].isin(INDEX_TYPES), "Level"].max())
    names = (
        tuple(level_names) if level_names else tuple(f"Level_{i}" for i in range(1, max_level + 1))
    )
    if len(names) != max_level:
        raise FrameworkError(
            [f"level_names: expected {max_level} names (one per level), got {len(names)}"]
        )
    if "Time" in data.columns and data["Time"].nunique(dropna=True) > 1:
        raise FrameworkError(
            [
                f"{data_label}:Time: panel data (several Time values) must be split into one "
                "framework per time point first; select one Time value"
            ]
        )

    keys = [
        (
            (0, int(level)) if not math.isnan(level) else (1,),
            collation_key(parent),
        )
        for level, parent in zip(meta["Level"], meta["Parent"], strict=True)
    ]
    order = sorted(range(len(meta)), key=lambda i: keys[i])
    sorted_meta = meta.iloc[order].reset_index(drop=True)

    indicators = list(meta.loc[meta["Type"] == "Indicator", "iCode"])
    if "uName" not in data.columns:
        data["uName"] = data["uCode"]
    data["uName"] = [
        c if _is_missing(n) else str(n) for c, n in zip(data["uCode"], data["uName"], strict=True)
    ]
    unit_order = collation_order(list(data["uCode"]))
    data = data.iloc[unit_order].set_index("uCode")
    data.index.name = "uCode"
    raw = data[indicators].astype(float)
    other = ["uName"] + [c for c in data.columns if c not in indicators and c != "uName"]
    units = data[other].copy()
    return Framework(sorted_meta, raw, units, names, {"iData": data_label, "iMeta": meta_label})


def framework_from_yaml(
    hierarchy: str | Path | Mapping[str, Any], idata: str | Path | pd.DataFrame
) -> Framework:
    """Build a :class:`Framework` from a YAML hierarchy and ``iData``.

    The YAML form (see ``docs/composite.md``)::

        level_names: [Indicator, Pillar, Index]
        index:
          - code: Index
            children:
              - code: Conn
                weight: 1
                children:
                  - {code: Goods, name: Trade in goods, direction: 1, weight: 1, denominator: GDP}
        unit_columns:
          - {code: EurAsia_group, type: Group}
          - {code: GDP, type: Denominator}

    Indicators are the leaves (level 1); every leaf must sit at the same depth. Nodes keep the
    order in which they are written, which is the indicator column order.
    """
    spec, label = read_yaml(hierarchy, "YAML hierarchy")
    if not isinstance(spec, Mapping) or "index" not in spec:
        raise FrameworkError(
            [f"{label}: expected a mapping with an 'index' list of top-level nodes"]
        )
    tops = spec["index"]
    if isinstance(tops, Mapping):
        tops = [tops]
    rows: list[dict[str, Any]] = []
    problems: list[str] = []

    def depth(node: Mapping[str, Any]) -> int:
        kids = node.get("children") or []
        return 1 if not kids else 1 + max(depth(k) for k in kids)

    def walk(node: Any, parent: str | None, level: int, where: str) -> None:
        if not isinstance(node, Mapping) or "code" not in node:
            problems.append(f"{label}: {where}: expected a mapping with a 'code', got {node!r}")
            return
        unknown = set(node) - {
            "code",
            "name",
            "weight",
            "direction",
            "unit",
            "target",
            "denominator",
            "children",
        }
        if unknown:
            problems.append(
                f"{label}: {where} '{node['code']}': unknown key(s) {', '.join(sorted(unknown))}"
            )
        kids = node.get("children") or []
        if level < 1:
            problems.append(
                f"{label}: {where} '{node['code']}': indicators must all be at the same depth"
            )
            return
        if not kids and level != 1:
            problems.append(
                f"{label}: {where} '{node['code']}': a leaf (indicator) at level {level}; "
                "every indicator must sit at the same depth"
            )
        rows.append(
            {
                "Level": level,
                "iCode": node["code"],
                "iName": node.get("name", node["code"]),
                "Direction": node.get("direction", 1),
                "Weight": node.get("weight", 1),
                "Unit": node.get("unit"),
                "Target": node.get("target"),
                "Denominator": node.get("denominator"),
                "Parent": parent,
                "Type": "Aggregate" if kids else "Indicator",
            }
        )
        for k, child in enumerate(kids):
            walk(child, node["code"], level - 1, f"{where}.children[{k}]")

    top_depth = max((depth(t) for t in tops if isinstance(t, Mapping)), default=1)
    for k, top in enumerate(tops):
        walk(top, None, top_depth, f"index[{k}]")
    for k, column in enumerate(spec.get("unit_columns") or []):
        if not isinstance(column, Mapping) or "code" not in column:
            problems.append(
                f"{label}: unit_columns[{k}]: expected a mapping with 'code' and 'type'"
            )
            continue
        rows.append(
            {
                "Level": np.nan,
                "iCode": column["code"],
                "iName": column.get("name", column["code"]),
                "Direction": np.nan,
                "Weight": np.nan,
                "Unit": column.get("unit"),
                "Target": np.nan,
                "Denominator": None,
                "Parent": None,
                "Type": column.get("type", "Other"),
            }
        )
    if problems:
        raise FrameworkError(problems)
    # Leaves first in written order, then aggregates: the original iMeta order COINr users write.
    meta = pd.DataFrame(rows)
    meta = pd.concat(
        [meta[meta["Type"] == "Indicator"], meta[meta["Type"] != "Indicator"]], ignore_index=True
    )
    for column in ("Target", "Denominator", "Unit"):
        if meta[column].isna().all():
            meta = meta.drop(columns=column)
    data, data_label = read_table(idata, "iData")
    return _assemble(data, meta, data_label, label, spec.get("level_names"))
