"""Golden outputs of scenarios and frameworks on the synthetic demo ledger (issue 13 item 3).

``tests/fixtures/scenario_golden.json.gz`` holds what the scenario code answered before it was
vectorised (commit a2fd3a8 on main): for the 50k synthetic demo ledger
(``paradiplomacy.synthetic.fill(store, seed=42)``, the default 1,000 uncertainty runs and seed),
the frameworks table of several partners, and the capacity table (with ``p_top10``) and
summary of several partners, crisis levels 0-3, closed-instrument sets, availability overrides
and the shipped scenarios; and the lower-level functions (``capacity`` without suitability,
``p_top`` without suitability runs, ``suitability_uncertainty``) on the same channel table.
``tests/assess/test_scenario_golden.py`` compares today's code with it: floats to 1e-12
(absolute), labels, ranks and record lists exactly.

Regenerate it only on purpose (a deliberate change of the results), with the code whose answers
are the reference::

    PYTHONPATH=src .venv/bin/python -m tests.assess.scenario_golden

(about 15 s: it builds the 50k ledger in a temporary directory).
"""

from __future__ import annotations

import gzip
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

GOLDEN = Path(__file__).parents[1] / "fixtures" / "scenario_golden.json.gz"

SEED = 42
"""The synthetic ledger's seed (``make demo``'s default)."""

PARTNERS_ALL_LEVELS = ("DE", "US", "CN")
"""Partners answered at every crisis level with nothing closed."""

CASES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    *((p, lv, ()) for p in PARTNERS_ALL_LEVELS for lv in (0, 1, 2, 3)),
    ("JP", 1, ()),
    ("FI", 3, ()),
    ("KZ", 2, ()),
    ("TR", 0, ()),
    ("TV", 2, ()),  # Tuvalu: (almost) no evidence, structural ties only or nothing
    ("DE", 2, ("investment",)),
    ("US", 3, ("representation_abroad", "consulate_hosted")),
    ("CN", 1, ("twinning", "agreement", "education", "science")),
    ("JP", 0, ("cultural_event",)),
    ("FI", 2, ("diaspora", "ngo_project", "humanitarian_aid", "twinning", "cultural_event")),
    ("KZ", 3, ("trade", "investment", "business_mission")),
)
"""(partner, level, closed instruments) answered by ``Assessment.scenario``."""

SHIPPED = ("rupture_us", "sanctions_de", "tension_jp", "replay_fi_2022")
"""Shipped scenario files answered by name (availability overrides, closed instruments)."""

FRAMEWORK_PARTNERS = ("DE", "US", "CN", "JP", "FI", "KZ", "TR", "TV")


def frame_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """Columns with their dtype kind and values (floats exactly, NaN as null)."""
    out: dict[str, Any] = {"columns": [str(c) for c in frame.columns], "kinds": {}, "data": {}}
    for column in frame.columns:
        values = frame[column]
        kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else "O"
        out["kinds"][str(column)] = kind
        if kind == "f":
            out["data"][str(column)] = [None if math.isnan(v) else float(v) for v in values]
        elif kind in "iub":
            out["data"][str(column)] = [int(v) for v in values]
        else:
            out["data"][str(column)] = [None if v is None else str(v) for v in values]
    return out


def _summary(summary: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(summary, default=str))


def compute(assessment: Any) -> dict[str, Any]:
    """Every golden output of ``assessment`` (see the module docstring), JSON-ready."""
    from paradiplomacy.assess import frameworks as fw
    from paradiplomacy.assess import scenarios as sc
    from paradiplomacy.assess.assessment import POLITICAL_PILLAR

    out: dict[str, Any] = {"frameworks": {}, "scenarios": [], "functions": {}}
    for partner in FRAMEWORK_PARTNERS:
        out["frameworks"][partner] = frame_to_json(assessment.frameworks(partner))
    for partner, level, closed in CASES:
        result = assessment.scenario(partner, level, closed_instruments=closed)
        out["scenarios"].append(
            {
                "partner": partner,
                "level": level,
                "closed": list(closed),
                "capacity": frame_to_json(result.capacity),
                "summary": _summary(result.summary),
            }
        )
    for name in SHIPPED:
        result = assessment.scenario(scenario=name)
        out["scenarios"].append(
            {
                "scenario": name,
                "capacity": frame_to_json(result.capacity),
                "summary": _summary(result.summary),
            }
        )
    result = assessment.scenario("DE", 2, top=5)
    out["scenarios"].append(
        {
            "partner": "DE",
            "level": 2,
            "closed": [],
            "top": 5,
            "capacity": frame_to_json(result.capacity),
            "summary": _summary(result.summary),
        }
    )
    # the lower-level functions, on the assessment's own channel table
    table = assessment.channels
    config = assessment.configs["frameworks"]
    availability = assessment.configs["availability"]
    for partner, level, closed in (("DE", 2, ("investment",)), ("CN", 3, ())):
        scenario = sc.Scenario(
            name="f", partner=partner, level=level, closed_instruments=list(closed)
        )
        key = f"{partner}-{level}-{'|'.join(closed)}"
        cap = sc.capacity(table, scenario, config, None, availability=availability)
        probabilities = sc.p_top(table, scenario, config, None, seed=3, availability=availability)
        totals = sc.country_totals(table, scenario, config, None, availability=availability)
        out["functions"][key] = {
            "capacity": frame_to_json(cap),
            "p_top": [float(v) for v in probabilities.reindex(table.regions)],
            "totals": _summary(totals),
        }
    codes = list(assessment.regions["code"])
    ties = (
        assessment.resilience["JP"].reindex(codes)
        if "JP" in assessment.resilience
        else pd.Series(0.0, index=codes)
    )
    out["functions"]["suitability_uncertainty_JP"] = frame_to_json(
        fw.suitability_uncertainty(
            table,
            "JP",
            assessment.score_runs("SPPI"),
            assessment.score_runs(POLITICAL_PILLAR),
            ties,
            config,
        )
    )
    return out


def build_assessment(folder: Path) -> Any:
    """The 50k synthetic demo ledger in ``folder`` and its assessment (built, not stored)."""
    from paradiplomacy.assess.assessment import Assessment
    from paradiplomacy.ledger.store import Store
    from paradiplomacy.synthetic import fill

    store = Store(folder / "demo.sqlite")
    store.init()
    fill(store, seed=SEED)
    return store, Assessment.from_store(store)


def write(path: Path = GOLDEN) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store, assessment = build_assessment(Path(folder))
        data = compute(assessment)
        store.close()
    payload = json.dumps(data, sort_keys=True, allow_nan=False, separators=(",", ":"))
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(payload)


def read(path: Path = GOLDEN) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


if __name__ == "__main__":
    write()
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size:,} bytes)")
