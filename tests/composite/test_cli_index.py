"""`paradiplomacy index build|audit|uncertainty|sensitivity` on the toy index."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from paradiplomacy.cli import app

TOY = Path(__file__).parent / "toy"
runner = CliRunner()
BASE = [
    "--idata", str(TOY / "iData.csv"),
    "--imeta", str(TOY / "iMeta.csv"),
    "--pipeline", str(TOY / "pipeline.yaml"),
]  # fmt: skip


def run(*args: str):
    return runner.invoke(app, ["index", *args])


def test_build_writes_every_stage_and_results(tmp_path):
    result = run("build", *BASE, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    for stage in (
        "Raw",
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
        "Aggregated",
    ):
        table = pd.read_csv(tmp_path / f"stage_{stage}.csv")
        assert table.columns[0] == "uCode"
        assert list(table["uCode"]) == ["UA", "UB", "UC", "UD", "UE"]
    results = pd.read_csv(tmp_path / "results.csv")
    assert list(results.columns[:4]) == ["uCode", "Rank", "Index", "S1"]
    coin = json.loads((tmp_path / "coin.json").read_text())
    assert coin["pipeline"][0] == {"denominate": {}}
    assert "paradiplomacy" in coin["versions"]
    assert "Index: 5 units" in result.output


def test_build_from_yaml_hierarchy_matches_tables(tmp_path):
    a = run("build", *BASE, "--out", str(tmp_path / "a"))
    b = runner.invoke(
        app,
        [
            "index", "build", "--idata", str(TOY / "iData.csv"),
            "--hierarchy", str(TOY / "hierarchy.yaml"),
            "--pipeline", str(TOY / "pipeline.yaml"), "--out", str(tmp_path / "b"),
        ],
    )  # fmt: skip
    assert a.exit_code == 0 and b.exit_code == 0, b.output
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "a" / "results.csv"), pd.read_csv(tmp_path / "b" / "results.csv")
    )


def test_bad_imeta_is_a_clear_error(tmp_path):
    meta = pd.read_csv(TOY / "iMeta.csv", keep_default_na=False, dtype=str)
    meta.loc[4, "Parent"] = "P7"
    bad = tmp_path / "iMeta.csv"
    meta.to_csv(bad, index=False)
    result = run(
        "build",
        "--idata",
        str(TOY / "iData.csv"),
        "--imeta",
        str(bad),
        "--pipeline",
        str(TOY / "pipeline.yaml"),
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 1
    assert f"{bad}:6:Parent: expected the code of an aggregate, got unknown 'P7'" in result.output
    assert not (tmp_path / "o").exists()
    result = run(
        "build",
        "--idata",
        str(TOY / "iData.csv"),
        "--pipeline",
        str(TOY / "pipeline.yaml"),
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 2
    assert "exactly one of --imeta or --hierarchy" in result.output


def test_uncertainty_writes_rank_stats(tmp_path):
    args = ["--spec", str(TOY / "uncertainty.yaml"), "--runs", "50", "--seed", "7"]
    result = run("uncertainty", *BASE, *args, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    stats = pd.read_csv(tmp_path / "rank_stats.csv")
    assert list(stats.columns) == ["uCode", "nominal", "mean", "median", "q5", "q95"]
    assert len(stats) == 5
    again = run("uncertainty", *BASE, *args, "--out", str(tmp_path / "again"))
    assert again.exit_code == 0
    pd.testing.assert_frame_equal(stats, pd.read_csv(tmp_path / "again" / "rank_stats.csv"))
    probs = run("uncertainty", *BASE, *args, "--classes", "0,50,100", "--out", str(tmp_path / "c"))
    assert probs.exit_code == 0, probs.output
    table = pd.read_csv(tmp_path / "c" / "class_probabilities.csv")
    assert list(table.columns[:3]) == ["uCode", "[0, 50)", "[50, 100]"]
    assert (
        run("uncertainty", *BASE, *args, "--classes", "9,1", "--out", str(tmp_path)).exit_code == 2
    )
    meta = json.loads((tmp_path / "analysis.json").read_text())
    assert meta["runs"] == 50 and meta["seed"] == 7


def test_sensitivity_writes_indices(tmp_path):
    args = ["--spec", str(TOY / "uncertainty.yaml"), "--runs", "16", "--boot", "10"]
    result = run("sensitivity", *BASE, *args, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "sensitivity.csv")
    assert list(table["variable"]) == ["winmax", "normalisation", "weights", "aggregation"]
    assert {"Si", "STi", "Si_q5", "Si_q95", "STi_q5", "STi_q95"} <= set(table.columns)
    assert len(pd.read_csv(tmp_path / "scores.csv").columns) == 1 + 16 * 6


def test_audit_writes_its_tables(tmp_path):
    result = run("audit", *BASE, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    stats = pd.read_csv(tmp_path / "indicator_stats.csv")
    assert list(stats["iCode"]) == ["i1", "i2", "i3", "i4", "i5", "i6"]
    loo = pd.read_csv(tmp_path / "leave_one_out.csv")
    assert set(loo["Level"]) == {1, 2, 3}
    for name in ("correlations", "cronbach", "pca", "correlation_flags"):
        assert (tmp_path / f"{name}.csv").exists()


def test_bad_spec_is_a_clear_error(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("assumptions:\n  w: {step: treat, param: winmax}\n")
    result = run("uncertainty", *BASE, "--spec", str(spec), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "expected exactly one of 'values', 'alternatives', 'range' or 'noise'" in result.output
