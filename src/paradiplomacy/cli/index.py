"""``paradiplomacy index ...``: build, audit and analyse a composite indicator from COINr tables."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paradiplomacy import strictjson
from paradiplomacy.terminal import console, errors, fail, progress_bar

if TYPE_CHECKING:  # the engine (scipy, pandas) is imported when a command runs, not at start-up
    import pandas as pd

    from paradiplomacy.composite.coin import Coin
    from paradiplomacy.composite.framework import Framework
    from paradiplomacy.composite.uncertainty import AnalysisResult

index_app = typer.Typer(
    help="Build, audit and analyse a composite indicator from COINr's iData and iMeta tables "
    "(CSV or XLSX) or a YAML hierarchy, with a YAML pipeline.",
    no_args_is_help=True,
)

IData = Annotated[
    Path, typer.Option("--idata", exists=True, dir_okay=False, help="iData table (CSV or XLSX)")
]
IMeta = Annotated[
    Path | None,
    typer.Option("--imeta", exists=True, dir_okay=False, help="iMeta table (CSV or XLSX)"),
]
Hierarchy = Annotated[
    Path | None,
    typer.Option(
        "--hierarchy", exists=True, dir_okay=False, help="YAML hierarchy instead of --imeta"
    ),
]
PipelineFile = Annotated[
    Path, typer.Option("--pipeline", exists=True, dir_okay=False, help="pipeline YAML")
]
Out = Annotated[Path, typer.Option("--out", file_okay=False, help="output directory")]
LevelNames = Annotated[
    str | None,
    typer.Option("--level-names", help="comma-separated level names, from indicators up"),
]
Spec = Annotated[
    Path, typer.Option("--spec", exists=True, dir_okay=False, help="uncertainty spec YAML")
]
Runs = Annotated[int, typer.Option("--runs", min=3, help="N: runs (UA) or base sample (SA)")]
Seed = Annotated[int, typer.Option("--seed", help="random seed")]
Sampler = Annotated[str, typer.Option("--sampler", help="random or sobol")]
Target = Annotated[
    str | None, typer.Option("--target", help="code analysed [default: the top-level index]")
]


def _framework(
    idata: Path, imeta: Path | None, hierarchy: Path | None, names: str | None
) -> Framework:
    from paradiplomacy.composite.framework import framework_from_yaml, load_framework

    if (imeta is None) == (hierarchy is None):
        fail("give exactly one of --imeta or --hierarchy", 2)
    if hierarchy is not None:
        return framework_from_yaml(hierarchy, idata)
    level_names = [n.strip() for n in names.split(",")] if names else None
    return load_framework(idata, imeta, level_names=level_names)  # type: ignore[arg-type]


def _coin(
    idata: Path, imeta: Path | None, hierarchy: Path | None, pipeline: Path, names: str | None
) -> Coin:
    from paradiplomacy.composite.coin import build
    from paradiplomacy.composite.pipeline import load_pipeline

    return build(_framework(idata, imeta, hierarchy, names), load_pipeline(pipeline))


def _write(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False, float_format="%.17g")
    return path


def _done(paths: list[Path]) -> None:
    for path in paths:
        console.print(f"wrote {path}", highlight=False)


@index_app.command("build")
def build_cmd(
    idata: IData,
    pipeline: PipelineFile,
    out: Out,
    imeta: IMeta = None,
    hierarchy: Hierarchy = None,
    level_names: LevelNames = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "csv",
) -> None:
    """Build the index: writes `stage_<Name>.csv` for every stage and `results.csv`."""
    from paradiplomacy.composite.errors import CompositeError

    try:
        coin = _coin(idata, imeta, hierarchy, pipeline, level_names)
        paths = coin.export(out, fmt)
        (out / "coin.json").write_text(strictjson.dumps(coin.to_dict(), indent=2), encoding="utf-8")
    except CompositeError as exc:
        fail(str(exc))
    _done(paths)
    top = coin.framework.top_codes[0]
    best = coin.results(full=False).head(5)
    console.print(
        f"{top}: {len(coin.aggregated)} units; top 5: "
        + ", ".join(f"{r.uCode} ({r.Rank:.0f})" for r in best.itertuples()),
        highlight=False,
    )


@index_app.command("audit")
def audit_cmd(
    idata: IData,
    pipeline: PipelineFile,
    out: Out,
    imeta: IMeta = None,
    hierarchy: Hierarchy = None,
    level_names: LevelNames = None,
    dset: Annotated[str, typer.Option("--dset", help="stage whose indicators are audited")] = "Raw",
) -> None:
    """Audit: indicator statistics and flags, correlations, Cronbach's alpha, PCA, leave one out."""
    import pandas as pd

    from paradiplomacy.composite import audit
    from paradiplomacy.composite.errors import CompositeError
    from paradiplomacy.composite.removal import leave_one_out

    try:
        coin = _coin(idata, imeta, hierarchy, pipeline, level_names)
        fw = coin.framework
        out.mkdir(parents=True, exist_ok=True)
        data = coin.stage(dset)[[c for c in fw.indicators if c in coin.stage(dset).columns]]
        paths = [
            _write(audit.indicator_statistics(data).reset_index(), out / "indicator_stats.csv")
        ]
        full = coin.aggregated
        meta, lineage = fw.index_meta, fw.lineage
        paths.append(
            _write(
                audit.correlation_flags(full, meta, lineage, level=1, group_level=2),
                out / "correlation_flags.csv",
            )
        )
        tables = []
        for level in range(1, fw.max_level):
            codes = fw.codes_at(level)
            within = audit.correlations(full, codes, codes, pvalue=0)
            within.insert(0, "levels", f"{level}-{level}")
            tables.append(within)
            parents = fw.codes_at(level + 1)
            across = audit.correlations(full, codes, parents, pvalue=0)
            across.insert(0, "levels", f"{level}-{level + 1}")
            tables.append(across)
        paths.append(_write(pd.concat(tables, ignore_index=True), out / "correlations.csv"))
        alphas = [
            audit.cronbach_by_group(full, meta, lineage, level, level + 1)
            for level in range(1, fw.max_level)
        ]
        paths.append(_write(pd.concat(alphas, ignore_index=True), out / "cronbach.csv"))
        pcas = [audit.pca_by_group(full, meta, lineage, level) for level in range(1, fw.max_level)]
        paths.append(_write(pd.concat(pcas, ignore_index=True), out / "pca.csv"))
        loo = [leave_one_out(coin, level) for level in range(1, fw.max_level)]
        paths.append(_write(pd.concat(loo, ignore_index=True), out / "leave_one_out.csv"))
    except CompositeError as exc:
        fail(str(exc))
    _done(paths)


def _analyse(
    kind: str,
    idata,
    imeta,
    hierarchy,
    pipeline,
    level_names,
    spec,
    runs,
    seed,
    sampler,
    target,
    boot,
) -> AnalysisResult:
    from paradiplomacy.composite.uncertainty import analyse, load_spec

    if sampler not in ("random", "sobol"):
        fail(f"--sampler: expected random or sobol, got {sampler!r}", 2)
    coin = _coin(idata, imeta, hierarchy, pipeline, level_names)
    assumptions = load_spec(spec)
    with progress_bar() as bar:
        task = bar.add_task("runs", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return analyse(
            coin,
            assumptions,
            runs,
            kind=kind,
            sampler=sampler,
            seed=seed,
            target=target,
            n_boot=boot,
            progress=report,
        )


@index_app.command("uncertainty")
def uncertainty_cmd(
    idata: IData,
    pipeline: PipelineFile,
    spec: Spec,
    out: Out,
    imeta: IMeta = None,
    hierarchy: Hierarchy = None,
    level_names: LevelNames = None,
    runs: Runs = 1000,
    seed: Seed = 1,
    sampler: Sampler = "random",
    target: Target = None,
    classes: Annotated[
        str | None,
        typer.Option(
            "--classes",
            help="score class edges, e.g. '0,25,50,75,100': writes class_probabilities.csv",
        ),
    ] = None,
) -> None:
    """Uncertainty analysis: writes `rank_stats.csv` (uCode, nominal, mean, median, q5, q95)."""
    from paradiplomacy.composite.errors import CompositeError

    edges: list[float] = []
    if classes:
        try:
            edges = [float(v) for v in classes.split(",")]
        except ValueError:
            fail(f"--classes: expected numbers separated by commas, got {classes!r}", 2)
        if len(edges) < 2 or sorted(edges) != edges:
            fail(f"--classes: expected at least two increasing edges, got {classes!r}", 2)
    args = (idata, imeta, hierarchy, pipeline, level_names, spec, runs, seed, sampler, target)
    try:
        result = _analyse("ua", *args, 0)
        paths = _write_analysis(result, out)
        if edges:
            labels = [f"[{a:g}, {b:g})" for a, b in itertools.pairwise(edges)]
            labels[-1] = labels[-1][:-1] + "]"
            probs = result.class_probabilities(edges, labels)
            paths.append(_write(probs, out / "class_probabilities.csv"))
    except CompositeError as exc:
        fail(str(exc))
    _done(paths)


@index_app.command("sensitivity")
def sensitivity_cmd(
    idata: IData,
    pipeline: PipelineFile,
    spec: Spec,
    out: Out,
    imeta: IMeta = None,
    hierarchy: Hierarchy = None,
    level_names: LevelNames = None,
    runs: Runs = 100,
    seed: Seed = 1,
    sampler: Sampler = "random",
    target: Target = None,
    boot: Annotated[int, typer.Option("--boot", min=0, help="bootstrap replicates")] = 100,
) -> None:
    """Sensitivity analysis (N(d+2) runs): writes `sensitivity.csv` with Si, STi and intervals."""
    from paradiplomacy.composite.errors import CompositeError

    try:
        result = _analyse(
            "sa",
            idata,
            imeta,
            hierarchy,
            pipeline,
            level_names,
            spec,
            runs,
            seed,
            sampler,
            target,
            boot,
        )
    except CompositeError as exc:
        fail(str(exc))
    _done(_write_analysis(result, out))


def _write_analysis(result: AnalysisResult, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        _write(result.rank_stats, out / "rank_stats.csv"),
        _write(result.score_stats, out / "score_stats.csv"),
        _write(result.scores.reset_index(), out / "scores.csv"),
        _write(result.parameters.rename_axis("run").reset_index(), out / "parameters.csv"),
    ]
    if result.sensitivity is not None:
        paths.append(_write(result.sensitivity, out / "sensitivity.csv"))
    if result.unit_sensitivity is not None:
        paths.append(_write(result.unit_sensitivity, out / "unit_sensitivity.csv"))
    meta = {
        "kind": result.kind,
        "target": result.target,
        "n": result.n,
        "runs": result.scores.shape[1],
        "failed_runs": result.failed_runs,
        "sampler": result.sampler,
        "seed": result.seed,
        "spec": result.spec,
    }
    path = out / "analysis.json"
    path.write_text(strictjson.dumps(meta, indent=2), encoding="utf-8")
    paths.append(path)
    if result.failed_runs:
        errors.print(f"{result.failed_runs} run(s) failed (all scores missing)", style="yellow")
    return paths
