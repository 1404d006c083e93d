"""Sparse ledgers as users bring them, for the tests of the report, the export and the dashboard.

Each is built the way a user gets one: a synthetic ledger is generated
(:func:`paradiplomacy.synthetic.generate`) and only part of it is imported through the
validated import, or a small real import file is imported (``fixtures/real_twinning_sample.csv``):

- ``twinning``: the records of one instrument (twinning) and no statistics: every region is
  classed "insufficient evidence" and most IAI pillars are dropped;
- ``region``: every record of one region (Tatarstan) and that region's statistics only: the
  statistic indicators fall below the data-availability screen;
- ``partner``: every record with one partner country (China) and the statistics of all regions
  but twenty, assessed with ``min_coverage: 0.95`` (a ``--config`` directory): the twenty are
  "insufficient evidence", the others get levels;
- ``real``: 18 real twin-town ties (one instrument, real sources).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.importer import import_file, import_frame
from paradiplomacy.ledger.store import Store
from paradiplomacy.resources import data_path
from paradiplomacy.synthetic import generate

FIXTURES = Path(__file__).parent / "fixtures"
REAL_SAMPLE = FIXTURES / "real_twinning_sample.csv"
KINDS = ("twinning", "region", "partner", "real")
RUNS = 30
SEED = 5
REGION = "RU-TA"
PARTNER = "CN"
PARTNER_MIN_COVERAGE = 0.95
WITHOUT_STATISTICS = 20
"""Regions (the last in code order) left without statistics in the ``partner`` ledger."""


def build_ledger(kind: str, template_db: Path, folder: Path) -> Path:
    """The ledger file of ``kind`` (one of :data:`KINDS`) in ``folder``."""
    if kind not in KINDS:
        raise ValueError(f"unknown sparse ledger {kind!r}; expected one of {', '.join(KINDS)}")
    path = folder / f"sparse-{kind}.sqlite"
    shutil.copy(template_db, path)
    with Store(path) as store:
        if kind == "real":
            import_file(store, REAL_SAMPLE, "records")
            return path
        ledger = generate(
            store.regions, store.partners, store.taxonomy, seed=3, target_records=6000
        )
        records, stats = ledger.records, ledger.statistics
        if kind == "twinning":
            records, stats = records[records["instrument"] == "twinning"], None
        elif kind == "region":
            records = records[records["region"].isin(_names(store, REGION))]
            stats = stats[stats["region"].isin(_names(store, REGION))]
        else:
            records = records[records["partner_country"] == PARTNER]
            codes = sorted(r.code for r in store.regions.regions())
            dropped = set(codes[-WITHOUT_STATISTICS:])
            keep = [store.regions.resolve(str(r)) not in dropped for r in stats["region"]]
            stats = stats[keep]
        import_frame(store, records.reset_index(drop=True), "records", name=f"sparse-{kind}")
        if stats is not None and len(stats):
            import_frame(store, stats.reset_index(drop=True), "stats", name=f"sparse-{kind}-s")
    return path


def _names(store: Store, code: str) -> set[str]:
    """Every spelling of the region ``code`` the generator may write (code and names)."""
    region = store.regions.get(code)
    return {region.code, region.name_en, region.name_ru}


def config_dir(kind: str, folder: Path) -> Path | None:
    """The ``--config`` directory of ``kind`` (only ``partner`` has one)."""
    if kind != "partner":
        return None
    target = folder / "config-partner" / "assess"
    target.mkdir(parents=True, exist_ok=True)
    text = data_path("assess/classification.yaml").read_text(encoding="utf-8")
    text = text.replace("min_coverage: 0.5", f"min_coverage: {PARTNER_MIN_COVERAGE}")
    if f"min_coverage: {PARTNER_MIN_COVERAGE}" not in text:
        raise AssertionError("classification.yaml has no 'min_coverage: 0.5' line to replace")
    (target / "classification.yaml").write_text(text, encoding="utf-8")
    return target.parent


def build_assessment(kind: str, template_db: Path, folder: Path) -> Assessment:
    """The assessment of the sparse ledger ``kind`` (:data:`RUNS` runs, seed :data:`SEED`)."""
    path = build_ledger(kind, template_db, folder)
    with Store(path) as store:
        return Assessment.from_store(
            store, runs=RUNS, seed=SEED, config_dir=config_dir(kind, folder)
        )
