"""``paradiplomacy indicators``, ``assess`` and ``scenario``: the assessment from the ledger."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable

from paradiplomacy.cli.options import Db
from paradiplomacy.terminal import console, errors, fail, progress_bar

if TYPE_CHECKING:  # the assessment (scipy, the engine, pandas) is imported when a command runs
    import pandas as pd

    from paradiplomacy.assess.assessment import Assessment, ScenarioResult
    from paradiplomacy.ledger.store import Store

Year = Annotated[
    int | None, typer.Option("--year", help="Assessment year [default: the latest in the ledger]")
]
Scope = Annotated[
    str | None, typer.Option("--scope", help="Region scope [default: the registry's default]")
]
ConfigDir = Annotated[
    Path | None,
    typer.Option(
        "--config",
        exists=True,
        file_okay=False,
        help="Directory whose files replace the shipped configuration of the same names "
        "(indicators.yaml, indices/iai.yaml, indices/sppi.yaml, assess/*.yaml, "
        "scenarios/availability.yaml)",
    ),
]
Runs = Annotated[int | None, typer.Option("--runs", min=3, help="Uncertainty runs [default: 1000]")]
Seed = Annotated[int | None, typer.Option("--seed", help="Random seed [default: 1]")]
Out = Annotated[Path, typer.Option("--out", file_okay=False, help="Output directory")]

BANNER = "SYNTHETIC DATA: these results are made from invented demo data, not evidence."
NOTHING_TO_ASSESS = (
    "there is nothing to assess yet: the ledger has no activity records; import some with "
    "`paradiplomacy import records FILE` or `paradiplomacy fetch ...`, or build the real "
    "starter ledger with `paradiplomacy demo --real`"
)


def load_assessment(
    db: str | None,
    year: int | None,
    scope: str | None,
    config: Path | None,
    runs: int | None,
    seed: int | None,
) -> Assessment:
    """Build the assessment from the ledger at ``db``, with a progress bar; exits on an error."""
    from paradiplomacy.assess.stored import load_or_build
    from paradiplomacy.ledger.store import Store

    store = Store(db)
    if not store.is_initialised():
        fail(f"{store!r} has no ledger yet; run `paradiplomacy init` and import data, or `demo`")
    counts = store.counts()
    if not counts.get("records"):
        fail(NOTHING_TO_ASSESS, code=2)
    with progress_bar() as bar:
        task = bar.add_task("assessment", total=4)

        def step(name: str) -> None:
            bar.update(task, description=name, advance=0 if name == "indicators" else 1)

        try:
            assessment, status = load_or_build(
                store,
                year=year,
                scope=scope,
                config_dir=config,
                runs=runs,
                seed=seed,
                progress=step,
            )
        except (ValueError, KeyError, FileNotFoundError) as exc:
            fail(f"{exc} (a stored assessment of an earlier ledger, if any, is left as it was)")
    errors.print(status.message(), style="dim", markup=False, highlight=False)
    return assessment


def _print(frame: pd.DataFrame, title: str, limit: int = 15) -> None:
    import pandas as pd

    rows = frame.head(limit).itertuples(index=False)
    _print_rows(list(frame.columns), rows, title, pd.isna)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _print_rows(columns: list, rows: Iterable, title: str, isna: Callable = _missing) -> None:
    """A rich table of ``rows``: floats with 3 significant digits, missing values empty."""
    table = RichTable(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(str(column), overflow="fold")
    for values in rows:
        cells = []
        for v in values:
            if isinstance(v, float):
                cells.append("" if isna(v) else f"{v:.3g}")
            else:
                cells.append("" if isna(v) else str(v))
        table.add_row(*cells)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the assessment commands to ``app``."""
    app.command("indicators")(indicators)
    app.command("assess")(assess)
    app.command("scenario")(scenario)
    app.command("channels")(channels)


def indicators(
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="iData CSV file to write")],
    year: Year = None,
    scope: Scope = None,
    config: ConfigDir = None,
    db: Db = None,
) -> None:
    """Write the region-by-indicator table (COINr iData) and its iMeta (`<name>_iMeta.csv`)."""
    assessment = load_assessment(db, year, scope, config, 3, None)
    out.parent.mkdir(parents=True, exist_ok=True)
    assessment.idata.to_csv(out, index=False)
    meta = out.with_name(f"{out.stem}_iMeta.csv")
    assessment.imeta.to_csv(meta, index=False)
    print_data_label(assessment)
    console.print(
        f"wrote {out} ({len(assessment.idata)} regions x {len(assessment.indicators.columns)} "
        f"indicators, year {assessment.year}) and {meta}",
        highlight=False,
    )


def assess(
    out: Out,
    year: Year = None,
    scope: Scope = None,
    config: ConfigDir = None,
    runs: Runs = None,
    seed: Seed = None,
    db: Db = None,
) -> None:
    """Run the assessment: indices with uncertainty, classes, channels.

    Writes `regions.csv` (code, names, iai with rank and q5-q95 rank interval, sppi, level with
    its probabilities, balance, orientation, structural type), `assessment.json` (everything,
    with configuration and versions), `indicators.csv` and its iMeta, `channels.csv` and
    `indicator_provenance.csv`.
    """
    assessment = load_assessment(db, year, scope, config, runs, seed)
    paths = assessment.write(out)
    _report_assessment(assessment, paths)


def print_data_label(assessment: Assessment) -> None:
    """The banner every command prints: synthetic or real, and what the evidence covers."""
    if assessment.synthetic:
        errors.print(BANNER, style="yellow")
    errors.print(assessment.data_label(), style="yellow", markup=False, highlight=False)


def _report_assessment(assessment: Assessment, paths: list[Path]) -> None:
    import numpy as np
    import pandas as pd

    print_data_label(assessment)
    table = assessment.regions_table()
    p_columns = assessment.configs["classification"].probability_columns
    probabilities = table[p_columns].to_numpy(dtype=float)
    level = pd.to_numeric(table["level"], errors="coerce").to_numpy(dtype=float)
    p_level = np.full(len(table), np.nan)
    ok = np.isfinite(level)
    p_level[ok] = probabilities[np.flatnonzero(ok), level[ok].astype(int) - 1]
    view = pd.DataFrame(
        {
            "code": table["code"],
            "IAI": table["iai"].round(1),
            "rank [q5-q95]": [
                f"{r:.0f} [{a:.0f}-{b:.0f}]"
                for r, a, b in zip(
                    table["iai_rank"], table["iai_rank_q5"], table["iai_rank_q95"], strict=True
                )
            ],
            "level": table["level_name"],
            "p(level)": p_level.round(2),
            "SPPI rank": table["sppi_rank"].astype("Int64"),
            "coverage": table["coverage"].round(2),
            "orientation": table["orientation"],
        }
    )
    title = (
        f"Regions by International Activity Index, {assessment.year} "
        f"({assessment.runs} uncertainty runs, seed {assessment.seed})"
    )
    if assessment.synthetic:
        title += " - SYNTHETIC DATA"
    _print(view, title)
    counts = table["level_name"].value_counts()
    console.print(
        "levels: "
        + ", ".join(f"{name} {counts.get(name, 0)}" for name in table["level_name"].unique()),
        highlight=False,
    )
    for path in paths:
        console.print(f"wrote {path}", highlight=False)


def scenario(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            file_okay=False,
            help="Output directory for capacity.csv, summary.json and frameworks.csv; "
            "without it the table is printed and nothing is written",
        ),
    ] = None,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Partner country, ISO alpha-2 (e.g. DE)")
    ] = None,
    level: Annotated[
        int | None,
        typer.Option(
            "--level",
            min=0,
            max=3,
            help="Crisis level: 0 normal, 1 tension, "
            "2 sanctions or partial freeze, 3 rupture of official contacts",
        ),
    ] = None,
    scenario_file: Annotated[
        str | None,
        typer.Option("--scenario", help="Scenario YAML file, or the name of a shipped one"),
    ] = None,
    close: Annotated[
        list[str] | None, typer.Option("--close", help="Close an instrument (repeatable)")
    ] = None,
    year: Year = None,
    scope: Scope = None,
    config: ConfigDir = None,
    runs: Runs = None,
    seed: Seed = None,
    db: Db = None,
) -> None:
    """Regions ranked by normalisation capacity towards a partner at a crisis level.

    Prints the ten regions with the largest capacity and the country totals; with `--out`,
    writes `capacity.csv` (code, capacity, rank, framework, p_top10, per-channel contributions,
    records), `summary.json` (total, resilience, redundancy) and `frameworks.csv`. A scenario
    with a date is also replayed: `replay.csv` (with `--out`) sets capacity before the date
    beside activity after it.
    """
    if scenario_file is None and (partner is None or level is None):
        fail("give --partner and --level, or --scenario", 2)
    if scenario_file is None:  # answered from the stored assessment alone when there is one
        from paradiplomacy.assess.quick import scenario_from_store

        quick = scenario_from_store(
            db, partner, level, tuple(close or ()), year=year, scope=scope,
            config_dir=config, runs=runs, seed=seed,
        )  # fmt: skip
        if quick is not None:
            errors.print(quick.status, style="dim", markup=False, highlight=False)
            paths = quick.write(out) if out is not None else []
            _report_scenario_summary(quick.summary, quick.rows, paths)
            return
    assessment = load_assessment(db, year, scope, config, runs, seed)
    try:
        result = assessment.scenario(
            partner, level, scenario_file, closed_instruments=tuple(close or ())
        )
    except (ValueError, KeyError, FileNotFoundError) as exc:
        fail(str(exc))
    from paradiplomacy.assess.assessment import write_scenario

    paths = write_scenario(result, out) if out is not None else []
    _report_scenario(result, paths)
    if result.scenario.date is not None:
        frame, rho = assessment.replay(result.scenario)
        wrote = ""
        if out is not None:
            path = out / "replay.csv"
            frame.to_csv(path, index=False)
            wrote = f"; wrote {path}"
        console.print(
            f"replay from {result.scenario.date}: Spearman rank correlation of capacity before "
            f"and activity after = {rho:.3f}{wrote}",
            highlight=False,
        )


def channels(
    partner: Annotated[
        str | None, typer.Option("--partner", help="Which regions carry relations with it")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="Its partners")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows shown as a table")] = 20,
    year: Year = None,
    scope: Scope = None,
    config: ConfigDir = None,
    db: Db = None,
) -> None:
    """Channel strengths B(r, c, k): the regions behind a partner, or a region's partners."""
    if (partner is None) == (region is None):
        fail("give exactly one of --partner or --region", 2)
    assessment = load_assessment(db, year, scope, config, 3, None)
    try:
        if partner is not None:
            view = assessment.partner_view(partner)
            name = assessment.partners.loc[partner.strip().upper(), "name_en"]
            title = f"Regions carrying relations with {name}"
        else:
            code = assessment.regions_registry_code(region)
            view = assessment.region_view(code)
            title = f"Partners of {assessment.regions.loc[code, 'name_en']}"
    except KeyError as exc:
        fail(str(exc.args[0]) if exc.args else str(exc))
    if assessment.synthetic:
        title += " - SYNTHETIC DATA"
        if fmt != "table":
            view = view.assign(data="synthetic")
    unseen = view.attrs.get("no_evidence")
    if fmt == "table" and unseen is not None:
        view = view.drop(columns="no_evidence")
        if unseen:
            title += f"; no evidence on: {', '.join(unseen)}"
    if fmt == "csv":
        view.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        sys.stdout.write(view.to_json(orient="records", force_ascii=False) + "\n")
    elif fmt == "table":
        _print(view, title, limit)
    else:
        fail(f"--format: expected table, csv or json, got {fmt!r}", 2)


def _report_scenario(result: ScenarioResult, paths: list[Path]) -> None:
    frame = result.capacity

    def rows(columns: list[str], limit: int) -> Iterable:
        return frame[columns].head(limit).itertuples(index=False)

    _report_scenario_summary(result.summary, rows, paths, list(frame.columns))


def _report_scenario_summary(
    s: dict,
    rows: Callable[[list[str], int], Iterable],
    paths: list[Path],
    available: list[str] | None = None,
) -> None:
    """What the scenario command prints: the banner, what the evidence covers, the top ten
    regions (``rows(columns, limit)`` gives them) and the country totals."""
    if s.get("synthetic"):
        errors.print(BANNER, style="yellow")
    columns = ["code", "name_en", "capacity", "rank", "framework", "p_top10"]
    if available is not None:
        columns = [c for c in columns if c in available]
    title = f"Normalisation capacity towards {s['partner_name']} at crisis level {s['level']}"
    if s.get("synthetic"):
        title += " - SYNTHETIC DATA"
    if s.get("coverage"):
        errors.print(f"evidence: {s['coverage']}", style="yellow", markup=False, highlight=False)
    unseen = s.get("channels_without_evidence") or []
    if unseen:
        errors.print(
            f"channels without evidence toward {s['partner']} (not counted, not zero): "
            + ", ".join(unseen),
            style="yellow",
            markup=False,
            highlight=False,
        )
    if available is None:
        _print_rows(columns, rows(columns, 10), title)
    else:
        import pandas as pd

        _print_rows(columns, rows(columns, 10), title, pd.isna)
    resilience = s.get("resilience")
    console.print(
        f"country total {s['total']:.3f}; resilience "
        f"{'n/a' if resilience is None else f'{resilience:.3f}'}; redundancy "
        f"{s['redundancy']:.1f} regions",
        highlight=False,
    )
    for path in paths:
        console.print(f"wrote {path}", highlight=False)


DEMO_SCENARIOS = ("rupture_us", "sanctions_de", "tension_jp")
"""The shipped scenarios that ``paradiplomacy demo`` runs (data/scenarios/*.yaml)."""


def run_demo_assessment(store: Store, out: Path, db: str) -> None:
    """The demo's main job after the ledger summary: the assessment, three scenarios, the
    report for their three partners, and how to start the dashboard."""
    from paradiplomacy.assess.assessment import write_scenario
    from paradiplomacy.assess.stored import load_or_build
    from paradiplomacy.report.html import write_report

    console.print("Running the assessment (indices with 1,000 uncertainty runs) ...")
    assessment, status = load_or_build(store)
    errors.print(status.message(), style="dim", markup=False, highlight=False)
    _report_assessment(assessment, assessment.write(out / "assessment"))
    partners = []
    for name in DEMO_SCENARIOS:
        result = assessment.scenario(scenario=name)
        _report_scenario(result, write_scenario(result, out / "scenarios" / name))
        partners.append(result.summary["partner"])
    report = write_report(assessment, partners=partners, out=out / "report.html")
    console.print(
        f"wrote {report}: the report for {', '.join(partners)} (one self-contained HTML file; "
        "open it in a browser)",
        highlight=False,
    )
    console.print(
        f"Start the dashboard with: .venv/bin/paradiplomacy serve --db {db} "
        "(then open http://127.0.0.1:8000/)",
        highlight=False,
    )
