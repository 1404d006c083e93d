"""Record the assessment's outputs on the synthetic demo ledger (seed 42, about 50,000 records)
as a golden file, so that a rework of how the assessment reads the ledger (issue 13: aggregates
computed by the database instead of every record in memory) can be checked to give the same
results to 1e-12 (``tests/golden/test_golden.py``).

Run from the repository root, on the code whose results are the reference:

    .venv/bin/python -m tests.golden.make_golden

It writes ``tests/golden/assessment_seed42.npz`` (NumPy arrays and JSON-encoded labels).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.store import Store
from paradiplomacy.synthetic import fill

GOLDEN = Path(__file__).with_name("assessment_seed42.npz")
PARTNERS = ("DE", "CN", "US", "TR", "KZ", "JP", "FI")
"""Partners whose channel views and scenarios are recorded."""
SCENARIOS = (("DE", 2, ()), ("CN", 0, ()), ("US", 3, ()), ("JP", 1, ("twinning",)))


def outputs(a: Assessment) -> dict[str, np.ndarray]:
    """The arrays compared: numbers as float arrays, labels as JSON strings."""
    out: dict[str, np.ndarray] = {}

    def frame(name: str, table: pd.DataFrame) -> None:
        table = table.reset_index(drop=False) if table.index.name else table
        for column in table.columns:
            values = table[column]
            key = f"{name}/{column}"
            if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
                out[key] = values.to_numpy(dtype=float)
            else:
                labels = [None if pd.isna(v) else str(v) for v in values]
                out[key] = np.array(json.dumps(labels))

    frame("regions", a.regions_table())
    frame("indicators", a.indicators.reset_index())
    frame("profile", a.profile)
    frame("classes", a.classes)
    out["edges"] = a.edges
    ch = a.channels
    out["channels/evidence"] = ch.evidence
    out["channels/tie_values"] = ch.tie_values
    out["channels/strengths"] = ch.strengths()
    out["channels/lo"] = ch.lo
    out["channels/hi"] = ch.hi
    out["resilience"] = a.resilience.to_numpy(dtype=float)
    for partner in PARTNERS:
        frame(f"partner_view/{partner}", a.partner_view(partner))
        frame(f"frameworks/{partner}", a.frameworks(partner))
    for partner, level, closed in SCENARIOS:
        r = a.scenario(partner, level, closed_instruments=closed)
        name = f"scenario/{partner}/{level}/{'+'.join(closed)}"
        frame(name, r.capacity)
        out[f"{name}/summary"] = np.array(json.dumps(r.summary, sort_keys=True, default=str))
    for code in ("RU-TA", "RU-MOW", "RU-KGD"):
        e = a.explain(code)
        out[f"explain/{code}"] = np.array(json.dumps(e, sort_keys=True, default=str))
    return out


def build(folder: Path) -> Assessment:
    """The assessment of a fresh seed-42 synthetic ledger in ``folder``."""
    store = Store(f"sqlite:///{folder / 'golden.sqlite'}")
    store.init()
    fill(store, seed=42)
    return Assessment.from_store(store)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        arrays = outputs(build(Path(folder)))
    np.savez_compressed(GOLDEN, **arrays)
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size:,} bytes, {len(arrays)} arrays)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
