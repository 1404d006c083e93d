"""A sample of the report's figures in a canonical form, to check that the figures' data and
layout stay the same when the way they are built changes (``test_figures_unchanged``).

``python -m tests.report.figure_sample`` (from the repository root) rewrites
``fixtures/figures.json`` from the figures as they are built now: run it only when a change of
the figures is intended, and say so in the commit.
"""

from __future__ import annotations

import base64
import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

FIXTURE = Path(__file__).parent / "fixtures" / "figures.json"
GEOJSON = Path(__file__).parent / "fixtures" / "regions.geojson"


def canonical(value: Any) -> Any:
    """A figure (a plotly ``Figure`` or its plain dict) as plain JSON values: typed arrays
    (``{"dtype", "bdata"}``) and NumPy arrays as lists, floats to 10 significant digits, NaN
    and infinities as None, no ``layout.template`` (the same for every figure)."""
    if hasattr(value, "to_plotly_json"):
        value = value.to_plotly_json()
    if isinstance(value, dict) and "layout" in value and "data" in value:
        layout = {k: v for k, v in value["layout"].items() if k != "template"}
        return {"data": canonical(value["data"]), "layout": canonical(layout)}
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            shape = value["shape"]
            shape = [int(s) for s in shape.split(",")] if isinstance(shape, str) else shape
            array = array.reshape(shape)
        return canonical(array)
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, np.ndarray):
        return canonical(value.tolist())
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, np.generic):
        return canonical(value.item())
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return None if not math.isfinite(value) else float(f"{value:.10g}")
    raise TypeError(f"unexpected {type(value).__name__} in a figure: {value!r}")


def sample(assessment: Any, sparse: Any) -> dict[str, Any]:
    """The sample: every builder of :mod:`paradiplomacy.report.figures` on the test
    assessment of ``tests/report/test_report.py`` and the tile maps of a sparse ledger."""
    from paradiplomacy.registry.tilegrid import load_tilegrid
    from paradiplomacy.report import figures
    from paradiplomacy.report.excel import pillar_scores, scenario_levels
    from paradiplomacy.report.html import _country_names, _level_names

    out: dict[str, Any] = {}
    for name, a in (("full", assessment), ("sparse", sparse)):
        regions = a.regions_table()
        grid = load_tilegrid().to_frame(a.scope)
        for lang in ("en", "ru"):
            levels = _level_names(a, lang)
            for colour in ("iai", "level"):
                out[f"{name}/tile_map/{colour}/{lang}"] = figures.tile_map(
                    regions, grid, colour, lang, levels
                )
        out[f"{name}/tile_map/level/unnamed"] = figures.tile_map(regions, grid, "level", "en")
        for index in ("iai", "sppi"):
            out[f"{name}/ranking/{index}"] = figures.ranking(regions, index, "en")
    regions = assessment.regions_table()
    iso = assessment.regions.reset_index(drop=True).set_index("code")["iso_code"]
    regions = regions.assign(iso_code=regions["code"].map(iso).to_numpy())
    geojson = json.loads(GEOJSON.read_text(encoding="utf-8"))
    out["choropleth"] = figures.choropleth(regions, geojson, "iai", "ru")[0]
    out["levels/ru"] = figures.level_probabilities(regions, "ru", _level_names(assessment, "ru"))
    out["levels/en"] = figures.level_probabilities(regions, "en")
    scores, pillar_names = pillar_scores(assessment)
    out["pillars"] = figures.pillar_profile(scores, pillar_names, regions, "en")
    names = figures.region_names(regions, "en")
    ties = figures.strongest_ties(assessment.channels.bilateral_intensity(), 60)
    out["network"] = figures.network(ties, names.to_dict(), _country_names(assessment, "en"))
    capacity, totals = scenario_levels(assessment, "DE", top=10)
    out["scenario/DE"] = figures.scenario_levels(capacity, totals, names.to_dict(), "Germany")
    return {key: canonical(fig) for key, fig in out.items()}


def build_assessments(folder: Path) -> tuple[Any, Any]:
    """The assessments of ``tests/report/test_report.py`` and of the sparse twinning ledger."""
    from paradiplomacy.assess.assessment import Assessment
    from paradiplomacy.ledger.store import Store
    from paradiplomacy.synthetic import fill
    from tests import sparse_ledgers

    template = folder / "template.sqlite"
    with Store(template) as store:
        store.init()
    path = folder / "demo.sqlite"
    shutil.copy(template, path)
    store = Store(f"sqlite:///{path}")
    fill(store, seed=3, target_records=6000)
    full = Assessment.from_store(store, runs=50, seed=5)
    store.close()
    sparse = sparse_ledgers.build_assessment("twinning", template, folder)
    return full, sparse


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        data = sample(*build_assessments(Path(tmp)))
    FIXTURE.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size / 1e3:.0f} kB, {len(data)} figures)")
