"""Synthetic COINr tables of any shape, for benchmarks and tests (never presented as real data).

:func:`synthetic_tables` makes ``iData`` and ``iMeta`` for ``n_units`` units and ``n_indicators``
indicators spread evenly over pillars, sub-indices and one index. Indicator values are drawn
from log-normal distributions (so some are skewed enough to be treated), a few are missing,
about a quarter have direction -1, and every unit belongs to one of two groups and has a
positive denominator. Unit names say "synthetic".
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_tables(
    n_units: int = 51,
    n_indicators: int = 49,
    n_pillars: int = 8,
    n_subindices: int = 2,
    missing: float = 0.025,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (iData, iMeta) of a 4-level synthetic index; see the module docstring."""
    if not n_subindices <= n_pillars <= n_indicators:
        raise ValueError("expected sub-indices <= pillars <= indicators")
    rng = np.random.default_rng(seed)
    codes = [f"x{i + 1:02d}" for i in range(n_indicators)]
    pillars = [f"P{j + 1}" for j in range(n_pillars)]
    subs = [f"S{k + 1}" for k in range(n_subindices)]
    pillar_of = [pillars[i * n_pillars // n_indicators] for i in range(n_indicators)]
    sub_of = {p: subs[j * n_subindices // n_pillars] for j, p in enumerate(pillars)}

    sigma = rng.uniform(0.2, 1.4, size=n_indicators)
    values = np.exp(rng.normal(2.0, sigma, size=(n_units, n_indicators)))
    values[rng.random(values.shape) < missing] = np.nan
    units = [f"U{u + 1:03d}" for u in range(n_units)]
    idata = pd.DataFrame(values.round(6), columns=codes)
    idata.insert(0, "uCode", units)
    idata.insert(0, "uName", [f"Synthetic unit {u + 1}" for u in range(n_units)])
    idata.insert(2, "Group_group", np.where(np.arange(n_units) % 2 == 0, "even", "odd"))
    idata.insert(3, "Size", rng.uniform(1, 100, size=n_units).round(3))

    direction = np.where(rng.random(n_indicators) < 0.25, -1, 1)
    rows = [
        {
            "Level": 1,
            "iCode": c,
            "iName": f"Synthetic indicator {c}",
            "Direction": int(direction[i]),
            "Weight": 1,
            "Parent": pillar_of[i],
            "Type": "Indicator",
        }
        for i, c in enumerate(codes)
    ]
    rows += [
        {"Level": 2, "iCode": p, "iName": p, "Direction": 1, "Weight": 1, "Parent": sub_of[p]}
        | {"Type": "Aggregate"}
        for p in pillars
    ]
    rows += [
        {"Level": 3, "iCode": s, "iName": s, "Direction": 1, "Weight": 1, "Parent": "Index"}
        | {"Type": "Aggregate"}
        for s in subs
    ]
    rows.append(
        {"Level": 4, "iCode": "Index", "iName": "Synthetic index", "Direction": 1, "Weight": 1}
        | {"Parent": None, "Type": "Aggregate"}
    )
    rows.append({"iCode": "Group_group", "iName": "Group", "Type": "Group"})
    rows.append({"iCode": "Size", "iName": "Size", "Type": "Denominator"})
    return idata, pd.DataFrame(rows)
