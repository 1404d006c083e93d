"""Check the engine against the facts COMPOSITE-METHODS.md states about COINr's ASEM example.

Needs COINr's ASEM_iData and ASEM_iMeta as CSV (not shipped with this project):

    .venv/bin/python tools/check_asem.py ../shared/data/coinr-asem

Checks sections 2.3, 3, 4, 5, 6.7, 8.1, 9 and 13: missing-value counts per stage, the 15
winsorised indicators and their nwin, the details-table columns, the Aggregated column order,
the lineage and results column orders. Prints each check and exits non-zero on a failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

from paradiplomacy.composite.coin import build
from paradiplomacy.composite.framework import load_framework
from paradiplomacy.composite.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
NWIN = {
    "Flights": 1, "Bord": 3, "Gas": 3, "Services": 4, "FDI": 2, "ForPort": 3, "CostImpEx": 1,
    "Tariff": 3, "StMob": 2, "CultServ": 3, "Forest": 2, "Poverty": 3, "NGOs": 3, "FemLab": 1,
    "PubDebt": 1,
}  # fmt: skip
AGGREGATES = ["ConEcFin", "Environ", "Instit", "P2P", "Physical", "Political", "Social",
              "SusEcFin", "Conn", "Sust", "Index"]  # fmt: skip
RESULTS = ["Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit", "P2P",
           "Environ", "Social", "SusEcFin"]  # fmt: skip
DETAILS = ["iCode", "check_SkewKurt0.Pass", "check_SkewKurt0.Skew", "check_SkewKurt0.Kurt",
           "winsorise.nwin", "check_SkewKurt1.Pass", "check_SkewKurt1.Skew",
           "check_SkewKurt1.Kurt"]  # fmt: skip


def main(directory: str) -> int:
    folder = Path(directory)
    fw = load_framework(
        folder / "iData.csv",
        folder / "iMeta.csv",
        level_names=["Indicator", "Pillar", "Sub-index", "Index"],
    )
    coin = build(fw, load_pipeline(ROOT / "examples" / "coinr" / "pipeline.yaml"))
    missing = {name: int(df.isna().sum().sum()) for name, df in coin.stages.items()}
    details = coin.details["treat"]["details"]
    treated = details[details["check_SkewKurt0.Pass"] == False]  # noqa: E712
    checks = {
        "51 units, 49 indicators": coin.stage("Raw").shape == (51, 49),
        "missing: Raw 63, Denominated 65, Imputed 0": (
            missing["Raw"],
            missing["Denominated"],
            missing["Imputed"],
        )
        == (63, 65, 0),
        "Screened equals Imputed": coin.stage("Screened").equals(coin.stage("Imputed")),
        "15 winsorised indicators with the stated nwin": dict(
            zip(treated["iCode"], treated["winsorise.nwin"].astype(int), strict=True)
        )
        == NWIN,
        "details columns": list(details.columns) == DETAILS,
        "Aggregated column order": list(coin.aggregated.columns[49:]) == AGGREGATES,
        "lineage starts FDI, ForPort, Goods, PRemit, Services, CostImpEx": list(
            fw.lineage["Indicator"][:6]
        )
        == ["FDI", "ForPort", "Goods", "PRemit", "Services", "CostImpEx"],
        "results columns": list(coin.results().columns[2:13]) == RESULTS,
        "no missing values after aggregation": missing["Aggregated"] == 0,
    }
    for label, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {label}")
    print(coin.results(full=False).head(5).to_string(index=False))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(
        main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared/data/coinr-asem"))
    )
