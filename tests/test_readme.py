"""Every command in the README works as written.

Read: README.md and every docs/*.md (the docs hold command blocks in connectors.md, gdelt.md and
partners.md, and Python blocks in classification.md, indicators.md and synthetic.md). What counts
as a command is described in ``tests/readme_commands.py``. Each command line is one of:

- **run**: a concrete ``paradiplomacy`` command: run in-process with typer's ``CliRunner`` in a
  copy of a prepared workspace whose files sit at the paths the README names
  (``./paradiplomacy.sqlite`` and ``out/demo.sqlite``: a small synthetic ledger;
  ``out/real/real.sqlite``: the shipped real starter ledger; ``my_records.csv`` ...), and
  required to exit 0 without a traceback. A command that takes ``--db`` but does not name it is
  run on the default (synthetic) ledger and again on the real starter ledger, the README's main
  path. HTTP goes to the connectors' fixtures (respx); nothing reaches the network.
- **synopsis**: a line with placeholders (FILE, DIR, N, ``...``), ``[optional]`` groups or
  ``a | b`` alternatives: the command path must exist and every option it names must be an
  option of that command; then one instance per alternative, with the placeholders filled from
  :data:`FILL` (and every optional group included), is run as above.
- **reference**: a bare command path in prose (``paradiplomacy assess``): the command exists.
- **serve**: the options exist and the line parses; nothing is started.
- **make**: ``make -n TARGET`` succeeds in the repository, and every ``paradiplomacy`` command
  in the recipe parses; ``make demo``/``make test`` are never run from here.
- **script**: ``python tools/...`` and benchmarks run as subprocesses with the rewrites of
  :data:`SCRIPT_REWRITES` (outputs in a temporary folder, never in ``src/``).
- **pip**: ``pip install -e ".[extra]"``: the extra exists in pyproject.toml; nothing installed.
- **allowed**: listed in :data:`ALLOWED` with the reason it cannot be checked here.

Anything else fails :func:`test_every_command_line_is_classified`, so a new command in the
documentation is never skipped silently. Python blocks run in the workspace (with few
uncertainty runs, :data:`SNIPPET_REWRITES`), except the fragments of :data:`ALLOWED_SNIPPETS`.

Commands that fail today are in :data:`KNOWN_FAILURES` with the error they give and its cause;
they are reported as xfail, and as a failure (strict XPASS) once they work, so that the entry is
removed.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
import respx
from typer.main import get_command
from typer.testing import CliRunner, Result

from paradiplomacy.cli import app
from paradiplomacy.connectors import emiss, gdelt, wikidata
from paradiplomacy.ledger.store import Store
from paradiplomacy.resources import data_path
from paradiplomacy.starter import load_real_starter
from paradiplomacy.synthetic import fill as fill_synthetic
from tests.readme_commands import (
    CLI_PROGRAMS,
    DROP,
    ELLIPSIS,
    PYTHON_PROGRAMS,
    Line,
    MissingValue,
    Snippet,
    bare,
    branches,
    command_at,
    command_paths,
    extract,
    has_placeholders,
    instance,
    is_placeholder,
    option_names,
    options_named,
    parse,
    resolve,
    set_option,
    subcommands,
    tokens,
)

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CLI = get_command(app)
PATHS = command_paths(CLI)
EXTRACTED = {path.relative_to(ROOT).as_posix(): extract(path, ROOT, PATHS) for path in DOCS}
LINES: list[Line] = [line for e in EXTRACTED.values() for line in e.lines]
SNIPPETS: list[Snippet] = [s for e in EXTRACTED.values() for s in e.snippets]

FIXTURES = ROOT / "tests" / "connectors" / "fixtures"
REAL_FIXTURES = ROOT / "tests" / "real" / "fixtures" / "data"
TOY = ROOT / "tests" / "composite" / "toy"
ASEM = ROOT.parent / "shared" / "data" / "coinr-asem"  # COINr's ASEM tables: not shipped
ASEM = ASEM if ASEM.is_dir() else Path("/work/shared/data/coinr-asem")
SYNTHETIC_RECORDS = 3000
REAL_DB = "out/real/real.sqlite"
ENV = {"COLUMNS": "200", "PARADIPLOMACY_DB": None, "PARADIPLOMACY_REGISTRY": None}

# ------------------------------------------------------------------------------------ the policy

ALLOWED: dict[str, str] = {
    ".ci/run": "the CI entry point: installs PostgreSQL's binaries with the system package "
    "manager and runs the whole suite; it cannot run inside the suite",
}
"""Command lines not checked automatically, with the reason."""

ALLOWED_SNIPPETS: dict[tuple[str, str], str] = {
    (
        "docs/classification.md",
        "from paradiplomacy.assess.classification import load_config, classify",
    ): "a fragment: uses records, regions, partners, taxonomy, coin and analysis defined elsewhere",
    (
        "docs/indicators.md",
        "from paradiplomacy.indicators.definitions import Catalogue",
    ): "a fragment: uses store, RegionRegistry, PartnerRegistry and Taxonomy without importing "
    "them, and passes `...` as arguments",
}
"""Python blocks that are not run, with the reason."""

OPTIONS_ELSEWHERE: dict[str, tuple[str, str]] = {
    "--asem": ("benchmarks/bench_composite.py", '"--asem"'),
    "--check": ("Makefile", "ruff format --check"),
    "--size-mb": ("benchmarks/bench_import.py", '"--size-mb"'),
    "--postgres-rows": ("benchmarks/bench_import.py", '"--postgres-rows"'),
    "--postgres": ("benchmarks/bench_scale.py", '"--postgres"'),
}
"""Options the prose names that belong to another program: (file, text showing the option)."""

KNOWN_FAILURES: dict[tuple[str, str], tuple[str, str]] = {}
"""(line text or first line of a Python block, variant) -> (text of the error, its cause):
what fails today."""

ALWAYS = {
    "--runs": "5",  # the README's 100 or 1,000 uncertainty runs (the default): 5 keep it fast
    "--records": "2000",  # demo: about 2,000 synthetic records instead of 50,000
}
"""Options set on every run of a command that has them, whatever the line writes."""

FORCE: dict[str, Any] = {
    **ALWAYS,
    "--scheduler": DROP,  # no Dask scheduler here: the local cluster is used
}
"""Values used whatever the line writes."""

ASSESSES = "builds the whole assessment (1-3 s); the instance with every option runs"
NO_BARE: dict[tuple[str, ...], str] = {
    ("demo",): "demo always makes 1,000 uncertainty runs and a report (about 10 s); the "
    "instance with every option runs",
    ("indicators",): ASSESSES,
    ("assess",): ASSESSES,
    ("scenario",): ASSESSES,
    ("channels",): ASSESSES,
    ("report",): ASSESSES,
    ("export", "assessment"): ASSESSES,
}
"""Commands whose synopsis is run with every optional group only, not also without them."""

FILL: dict[str, str] = {
    "--region": "RU-PSK",  # Pskov and Belarus: records in the synthetic ledger, GDELT events
    "--partner": "BY",  # in the real one
    "--instrument": "education",
    "--status": "active",
    "--indicator": "population",
    "--year": "2022",
    "--scope": "study-2021",
    "--seed": "1",
    "--since": "2019-01-01",
    "--until": "2024-12-31",
    "--out": "out_dir",
    "--config": "config",
    "--cache": "cache",
    "--db": "sqlite:///paradiplomacy.sqlite",
    "--boundaries": "boundaries.geojson",
    "--max-errors": "10",
    "--idata": "iData.csv",
    "--imeta": "iMeta.csv",
    "--pipeline": "pipeline.yaml",
    "--spec": "uncertainty.yaml",
    "--name": "life_expectancy",
    "--period": "значение показателя за год",
    "--select": "S_GRUP_2=3",
    "--filter": "3_2019",
}
"""Values of placeholders, by option."""

FILL_FOR: dict[tuple[str, ...], dict[str, Any]] = {
    ("import", "records"): {"FILE": "my_records.csv"},
    ("import", "stats"): {"FILE": "my_stats.csv"},
    ("demo",): {"--out": "demo_out", "--seed": "7"},  # seed 7: as `make demo SEED=7`
    ("fetch", "wikidata", "twinning"): {"--from-file": "twinning.json"},
    ("fetch", "wikidata", "consulates"): {"--from-file": "consulates.json"},
    ("fetch", "emiss"): {"--from-file": "indicator_31293.xml", "--indicator": "31293"},
    ("fetch", "gdelt"): {"--from-file": "masterfilelist.txt", ELLIPSIS: ["--files", "a.CSV"]},
    ("index", "audit"): {ELLIPSIS: []},  # the inputs, from COMPLETE
    ("index", "uncertainty"): {ELLIPSIS: []},
    ("index", "sensitivity"): {ELLIPSIS: []},
}
"""Values of placeholders for one command (before :data:`FILL`); ``...`` alone stands for the
inputs the line does not repeat."""

INPUTS = ["--idata", "iData.csv", "--imeta", "iMeta.csv", "--pipeline", "pipeline.yaml"]
COMPLETE: dict[tuple[str, ...], list[str]] = {
    ("index", "build"): INPUTS,
    ("index", "audit"): INPUTS,
    ("index", "uncertainty"): [*INPUTS, "--spec", "uncertainty.yaml"],
    ("index", "sensitivity"): [*INPUTS, "--spec", "uncertainty.yaml"],
}
"""Inputs a command needs that a line may leave out (docs/composite.md names only the options
of the analysis), added as ``--option value`` pairs when absent."""

LINE_FILL: dict[str, dict[str, Any]] = {
    "paradiplomacy fetch gdelt --from 2019-10-24 --to 2019-10-25 | --files "
    "'exports/*.CSV.zip' [--engine dask]": {
        "--engine": DROP,  # the Dask engine runs once, for docs/gdelt.md (a cluster takes ~10 s)
    },
}
"""Values for one line only (before :data:`FILL_FOR`)."""

WRITERS = {("init",), ("import",), ("fetch",), ("demo",)}
"""Commands that write a ledger: run on the ledger the line names, not also on the real one."""

SCRIPT_REWRITES: dict[str, str] = {
    "../shared/data": "{ws}/shared_data",  # the real sources' formats: tests/real/fixtures/data
    "src/paradiplomacy/data/real": "{ws}/real_tables",  # never overwrite the shipped tables
    "DIR": str(ASEM),
}
"""Arguments of scripts replaced by workspace paths."""

SCRIPT_EXTRA: dict[str, list[str]] = {
    "tools/build_partners.py": ["--output", "{ws}/partners.csv"],  # unless --check
}
"""Arguments added to a script so that it writes into the workspace."""

SCRIPT_FORCE: dict[str, str] = {"--rows": "2000", "--size-mb": "1", "--records": "3000"}
"""Script options whose value is replaced (a million rows is a benchmark, not a test)."""

SNIPPET_REWRITES: list[tuple[str, str]] = [
    (r"\bn=1000\b", "n=5"),  # uncertainty runs
    (r"(Assessment\.from_store\(Store\([^()]*\))\)", r"\1, runs=5)"),
]
"""Regular-expression rewrites of Python blocks: few uncertainty runs."""


def fill(path: tuple[str, ...], key: str, written: str | None, line: str = "") -> Any:
    """The value for ``key`` of command ``path`` written on ``line`` (see
    ``readme_commands.instance``)."""
    if key in LINE_FILL.get(line, {}):
        return LINE_FILL[line][key]
    own = FILL_FOR.get(path, {})
    if key == ELLIPSIS:
        if ELLIPSIS not in own:
            raise MissingValue(f"`...` of {' '.join(path)}: add its inputs to FILL_FOR")
        return own[ELLIPSIS]
    if key in FORCE:
        return FORCE[key]
    if written is not None and not is_placeholder(written):
        return written
    for table in (own, FILL):
        if key in table:
            return table[key]
    raise MissingValue(
        f"no value for {written or key} ({key}) of `paradiplomacy {' '.join(path)}`: "
        "add one to FILL or FILL_FOR"
    )


def filler(line: Line) -> Any:
    """:func:`fill` for one line."""
    return lambda path, key, written: fill(path, key, written, line.text)


def complete(path: tuple[str, ...], args: list[str]) -> list[str]:
    """``args`` with the inputs of :data:`COMPLETE` it lacks (``--hierarchy`` replaces
    ``--imeta``)."""
    extra = COMPLETE.get(path, [])
    out = list(args)
    for name, value in zip(extra[::2], extra[1::2], strict=True):
        if name not in out and not (name == "--imeta" and "--hierarchy" in out):
            out += [name, value]
    return out


# ------------------------------------------------------------------------------ classification


def cli_items(line: Line) -> list[Any] | None:
    """The items after the program name, when the line is a ``paradiplomacy`` command."""
    words = tokens(line.text)
    if words[0] in CLI_PROGRAMS:
        return parse(words[1:])
    if line.doc.startswith("docs/") and tuple(words[:2]) in PATHS:
        return parse(words)
    return None


def kind(line: Line) -> str:
    if line.text in ALLOWED:
        return "allowed"
    items = cli_items(line)
    if items is not None:
        path, rest = resolve(CLI, items)
        if rest == [ELLIPSIS] or (line.inline and not rest) or (not path and not rest):
            return "reference"
        if path[:1] == ("serve",):
            return "serve"
        return "synopsis" if has_placeholders(rest) else "run"
    head = tokens(line.text)[0]
    if head == "make":
        return "make"
    if head in ("pip", ".venv/bin/pip"):
        return "pip"
    if head in PYTHON_PROGRAMS or head.endswith(".py"):
        return "script"
    return "unclassified"


def takes_db(line: Line) -> bool:
    """Whether the line's command reads a ledger given by ``--db`` (and writes none)."""
    items = cli_items(line)
    assert items is not None
    path, _ = resolve(CLI, items)
    if path[:1] in WRITERS or path[:2] in WRITERS:
        return False
    return "--db" in option_names(command_at(CLI, path))


def variants(line: Line) -> list[str]:
    """``default`` and ``real`` (the real starter ledger) for a command that takes ``--db``
    without naming it; ``as written`` otherwise."""
    if takes_db(line) and "--db" not in line.text:
        return ["default", "real"]
    return ["as written"]


def by_kind(*kinds: str) -> list[Line]:
    return [line for line in LINES if kind(line) in kinds]


def line_id(line: Line) -> str:
    return f"{line.where} {line.text}"[:90]


def with_variants(*kinds: str) -> list[Any]:
    return [
        pytest.param(line, variant, id=f"{line_id(line)} [{variant}]")
        for line in by_kind(*kinds)
        for variant in variants(line)
    ]


# ------------------------------------------------------------------------------ the workspace

RECORDS_CSV = (
    "region,partner_country,partner_name,instrument,date,source,confidence\n"
    "Татарстан,Turkey,Istanbul,agreement,2019-03-15,https://example.org/readme/1,0.9\n"
    "Псковская область,EE,Tartu,twinning,2021-06-01,https://example.org/readme/2,1\n"
    "RU-PRI,CN,Harbin,business_mission,2018-05-20,https://example.org/readme/3,0.8\n"
)
STATS_CSV = (
    "region,year,indicator,value,unit,source\n"
    "RU-TA,2021,foreign_students,12000,students,https://example.org/readme/stats\n"
    "RU-PSK,2021,foreign_students,900,students,https://example.org/readme/stats\n"
)
GDELT_2019 = "20191024143000.export.CSV.zip"


def zipped(path: Path, name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, name)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files at the paths the documentation names, built once per module."""
    ws = tmp_path_factory.mktemp("readme")
    with Store(ws / "paradiplomacy.sqlite") as store:
        store.init()
        fill_synthetic(store, seed=3, target_records=SYNTHETIC_RECORDS)
    (ws / "out" / "real").mkdir(parents=True)
    shutil.copy(ws / "paradiplomacy.sqlite", ws / "out" / "demo.sqlite")
    with Store(ws / REAL_DB) as store:
        store.init()
        load_real_starter(store)
    (ws / "my_records.csv").write_text(RECORDS_CSV, encoding="utf-8")
    pd.read_csv(io.StringIO(RECORDS_CSV)).to_excel(ws / "my_records.xlsx", index=False)
    (ws / "my_stats.csv").write_text(STATS_CSV, encoding="utf-8")
    for name in ("iData.csv", "iMeta.csv", "pipeline.yaml", "uncertainty.yaml"):
        shutil.copy(TOY / name, ws / name)
    shutil.copy(FIXTURES / "wikidata" / "twinning.json", ws)
    shutil.copy(FIXTURES / "wikidata" / "consulates.json", ws)
    shutil.copy(FIXTURES / "emiss" / "indicator_31293.xml", ws)
    (ws / "exports").mkdir()
    for name in ("20240301000000.export.CSV.zip", "20240301001500.export.CSV.zip"):
        shutil.copy(FIXTURES / "gdelt" / name, ws / "exports")
    shutil.copy(FIXTURES / "gdelt" / "20240301000000.export.CSV", ws / "a.CSV")
    shutil.copy(FIXTURES / "gdelt" / "20240302000000.export.CSV.zip", ws / "b.CSV.zip")
    # The master list, with the README's day of 2019 (the fixture export under that name).
    sample = zipped(FIXTURES / "gdelt" / "20240301000000.export.CSV", GDELT_2019[:-4])
    (ws / "mock").mkdir()
    (ws / "mock" / GDELT_2019).write_bytes(sample)
    master = (FIXTURES / "gdelt" / "masterfilelist.txt").read_text(encoding="utf-8")
    digest = hashlib.md5(sample).hexdigest()
    master += f"{len(sample)} {digest} {gdelt.MASTER_URL.rsplit('/', 1)[0]}/{GDELT_2019}\n"
    (ws / "masterfilelist.txt").write_text(master, encoding="utf-8")
    shutil.copy(REAL_FIXTURES / "boundaries" / "test_adm1.geojson", ws / "boundaries.geojson")
    (ws / "config" / "assess").mkdir(parents=True)
    shutil.copy(data_path("assess", "classification.yaml"), ws / "config" / "assess")
    shutil.copytree(REAL_FIXTURES, ws / "shared_data")
    (ws / "shared_data" / "gdelt").mkdir()
    shutil.copy(
        FIXTURES / "gdelt" / "20240301000000.export.CSV",
        ws / "shared_data" / "gdelt" / "20191024143000.export.CSV",
    )
    return ws


@pytest.fixture
def ws(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the workspace, as the current directory."""
    folder = tmp_path / "ws"
    shutil.copytree(template, folder)
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def network(ws: Path) -> Iterator[respx.MockRouter]:
    """The connectors' endpoints answered from the fixtures; any other request fails."""

    def sparql(request: httpx.Request) -> httpx.Response:
        query = request.url.params.get("query", "")
        name = "twinning.json" if "P190" in query else "consulates.json"
        return httpx.Response(200, content=(ws / name).read_bytes())

    def gdelt_file(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        for folder in (ws / "mock", FIXTURES / "gdelt"):
            if (folder / name).is_file():
                return httpx.Response(200, content=(folder / name).read_bytes())
        return httpx.Response(404)

    with respx.mock(assert_all_called=False) as router:
        router.get(wikidata.ENDPOINT).mock(side_effect=sparql)
        router.post(emiss.DATA_URL).mock(
            return_value=httpx.Response(200, content=(ws / "indicator_31293.xml").read_bytes())
        )
        router.get(gdelt.MASTER_URL).mock(
            return_value=httpx.Response(200, content=(ws / "masterfilelist.txt").read_bytes())
        )
        router.get(url__startswith=gdelt.MASTER_URL.rsplit("/", 1)[0] + "/").mock(
            side_effect=gdelt_file
        )
        yield router


# ------------------------------------------------------------------------------------- helpers


class KnownFailure(Exception):
    """A command of :data:`KNOWN_FAILURES` failed with its known error."""


def expect_known_failure(request: pytest.FixtureRequest, text: str, variant: str) -> None:
    """Mark the test as an expected failure (strict) when ``(text, variant)`` is known to fail."""
    known = KNOWN_FAILURES.get((text, variant))
    if known is not None:
        marker = pytest.mark.xfail(raises=KnownFailure, strict=True, reason=known[1])
        request.node.add_marker(marker)


def problem(result: Result) -> str | None:
    """What went wrong with a run, or ``None``: exit code not 0, or a traceback."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"traceback: {result.exception!r}\n{result.output[-2000:]}"
    if "Traceback (most recent call last)" in result.output:
        return f"traceback in the output:\n{result.output[-2000:]}"
    if result.exit_code != 0:
        return f"exit code {result.exit_code}:\n{result.output[-2000:]}"
    return None


def run_cli(args: list[str], line: Line, variant: str) -> None:
    """Run ``paradiplomacy args``; fail (or raise :class:`KnownFailure`) on a problem."""
    outside = [a for a in args if a.startswith(("/", "../", "sqlite:////")) or "/../" in a]
    assert not outside, f"{line.where}: paths outside the workspace are not run: {outside}"
    if variant == "real":
        args = set_option(args, "--db", REAL_DB)
    path, _ = resolve(CLI, list(args))
    for name, value in ALWAYS.items():
        if name in option_names(command_at(CLI, path)):
            args = set_option(args, name, value)
    result = CliRunner().invoke(app, args, env=ENV)
    trouble = problem(result)
    if trouble is None:
        return
    known = KNOWN_FAILURES.get((line.text, variant))
    if known is not None and known[0] in trouble:
        raise KnownFailure(f"{line.where}: paradiplomacy {' '.join(args)}: {known[1]}")
    pytest.fail(f"{line.where}: `{line.text}` as `paradiplomacy {' '.join(args)}`: {trouble}")


def parses(path: tuple[str, ...], args: list[str]) -> None:
    """The arguments parse for the command (types, ranges, required options), without running."""
    command = command_at(CLI, path)
    command.make_context(" ".join(("paradiplomacy", *path)), list(args))


# --------------------------------------------------------------------------------------- tests


def test_the_documentation_holds_commands() -> None:
    assert len(LINES) > 40 and len(SNIPPETS) >= 5, (len(LINES), len(SNIPPETS))
    kinds = {kind(line) for line in LINES}
    assert {"run", "synopsis", "reference", "serve", "make", "script"} <= kinds, kinds


def test_every_command_line_is_classified() -> None:
    unclassified = [line.where + ": " + line.text for line in by_kind("unclassified")]
    assert not unclassified, (
        "commands the test does not know how to check; check them or add them to ALLOWED "
        "with the reason:\n" + "\n".join(unclassified)
    )


def test_every_fence_says_its_language() -> None:
    untagged = [where for e in EXTRACTED.values() for where in e.untagged_fences]
    unknown = [f"{where} ({lang})" for e in EXTRACTED.values() for where, lang in e.unknown_fences]
    assert not untagged and not unknown, (untagged, unknown)


def test_the_allow_lists_name_what_the_documentation_holds() -> None:
    texts = {line.text for line in LINES} | {s.first_line for s in SNIPPETS}
    firsts = {(s.doc, s.first_line) for s in SNIPPETS}
    assert set(ALLOWED) <= texts, set(ALLOWED) - texts
    assert set(ALLOWED_SNIPPETS) <= firsts, set(ALLOWED_SNIPPETS) - firsts
    assert {text for text, _ in KNOWN_FAILURES} <= texts, set(KNOWN_FAILURES) - texts
    assert all(reason for reason in (*ALLOWED.values(), *ALLOWED_SNIPPETS.values()))


def test_options_named_in_prose_exist() -> None:
    known = set().union(*(option_names(command_at(CLI, path)) for path in PATHS))
    missing = []
    for e in EXTRACTED.values():
        for where, option in e.option_mentions:
            if option in known:
                continue
            if option in OPTIONS_ELSEWHERE:
                file, text = OPTIONS_ELSEWHERE[option]
                if text in (ROOT / file).read_text(encoding="utf-8"):
                    continue
            missing.append(f"{where}: {option}")
    assert not missing, "options that no command has:\n" + "\n".join(missing)


@pytest.mark.parametrize("line", by_kind("run", "synopsis", "reference", "serve"), ids=line_id)
def test_command_exists_and_has_the_options_named(line: Line) -> None:
    items = cli_items(line)
    assert items is not None
    for branch in branches(CLI, items):
        command = command_at(CLI, branch.path)
        words = [w for w in branch.items if isinstance(w, str)]
        runs_alone = not subcommands(command) or command.invoke_without_command
        if kind(line) != "reference" and "--help" not in words:
            assert runs_alone, f"{line.where}: `{line.text}` names a group, not a command"
        unknown = set(options_named(list(branch.items))) - option_names(command)
        assert not unknown, (
            f"{line.where}: `{line.text}`: `paradiplomacy {' '.join(branch.path)}` has no "
            f"option {sorted(unknown)}"
        )


@pytest.mark.parametrize("line", by_kind("serve"), ids=line_id)
def test_serve_lines_parse(line: Line) -> None:
    """``serve`` starts a server: its lines are parsed, never run."""
    items = cli_items(line)
    assert items is not None
    for branch in branches(CLI, items):
        args = instance(CLI, branch, filler(line))
        parses(branch.path, args[len(branch.path) :])


@pytest.mark.parametrize(("line", "variant"), with_variants("run"))
def test_concrete_command_runs(
    line: Line, variant: str, ws: Path, network: respx.MockRouter, request: pytest.FixtureRequest
) -> None:
    expect_known_failure(request, line.text, variant)
    items = cli_items(line)
    assert items is not None
    args = [w for w in items if isinstance(w, str)]
    path, rest = resolve(CLI, args)
    if "--help" not in rest:
        parses(path, rest)
    run_cli(args, line, variant)


@pytest.mark.parametrize(("line", "variant"), with_variants("synopsis"))
def test_synopsis_instance_runs(
    line: Line, variant: str, ws: Path, network: respx.MockRouter, request: pytest.FixtureRequest
) -> None:
    """Per alternative of the line, an instance with every optional group and (on the default
    ledger) one without any, placeholders filled from FILL."""
    expect_known_failure(request, line.text, variant)
    items = cli_items(line)
    assert items is not None
    runs: list[list[str]] = []
    for branch in branches(CLI, items):
        shapes = [branch]
        if variant != "real" and branch.path not in NO_BARE:
            shapes.append(bare(branch))
        for shape in shapes:
            args = complete(shape.path, instance(CLI, shape, filler(line)))
            if args not in runs:
                runs.append(args)
    for args in runs:
        path, rest = resolve(CLI, args)
        parses(path, rest)
        run_cli(args, line, variant)


@pytest.mark.parametrize("line", by_kind("reference"), ids=line_id)
def test_command_named_in_prose_exists(line: Line) -> None:
    items = cli_items(line)
    assert items is not None
    _, rest = resolve(CLI, items)
    assert rest in ([], [ELLIPSIS]), f"{line.where}: `{line.text}`: no such command"


@pytest.mark.parametrize("line", by_kind("make"), ids=line_id)
def test_make_target_exists(line: Line) -> None:
    """``make -n``: the target and its recipe exist; the CLI commands of the recipe parse."""
    words = tokens(line.text)
    result = subprocess.run(
        ["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, (line.where, result.stderr)
    assert result.stdout.strip(), f"{line.where}: `make -n {' '.join(words[1:])}` does nothing"
    for recipe in result.stdout.splitlines():
        words = recipe.split()
        if words and words[0].endswith("bin/paradiplomacy"):
            path, rest = resolve(CLI, words[1:])
            parses(path, rest)


@pytest.mark.parametrize("line", by_kind("pip"), ids=line_id)
def test_pip_extra_exists(line: Line) -> None:
    extras = re.findall(r"\.\[([\w,-]+)\]", line.text)
    assert extras, f"{line.where}: `{line.text}`: no extra to check"
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for extra in extras[0].split(","):
        assert extra in declared["optional-dependencies"], (line.where, extra)


def script_command(line: Line, ws: Path) -> list[str]:
    words = tokens(line.text)
    if words[0] in PYTHON_PROGRAMS:
        words = words[1:]
    script = words[0]
    args = []
    for i, word in enumerate(words[1:], start=1):
        if words[i - 1] in SCRIPT_FORCE:
            word = SCRIPT_FORCE[words[i - 1]]
        args.append(SCRIPT_REWRITES.get(word, word).format(ws=ws))
    if "--check" not in args:
        args += [a.format(ws=ws) for a in SCRIPT_EXTRA.get(script, [])]
    if any(is_placeholder(a) for a in args):
        pytest.fail(
            f"{line.where}: `{line.text}`: a placeholder without a value in SCRIPT_REWRITES"
        )
    return [sys.executable, str(ROOT / script), *args]


@pytest.mark.parametrize("line", by_kind("script"), ids=line_id)
def test_script_runs(line: Line, ws: Path) -> None:
    """Run as a subprocess from the workspace; the repository is left as it was."""
    command = script_command(line, ws)
    if str(ASEM) in command and not ASEM.is_dir():
        pytest.skip(f"COINr's ASEM tables are not on this machine ({ASEM})")
    before = git_status()
    result = subprocess.run(
        command, cwd=ws, capture_output=True, text=True, timeout=120, env=script_env()
    )
    assert "Traceback" not in result.stderr, (line.where, result.stderr[-2000:])
    assert result.returncode == 0, (line.where, command, result.stdout[-1000:], result.stderr)
    assert git_status() == before, f"{line.where}: `{line.text}` changed the repository"


def script_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARADIPLOMACY_")}
    return {**env, "COLUMNS": "200"}


def git_status() -> str:
    result = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def snippet_cases() -> list[Any]:
    cases = []
    for snippet in SNIPPETS:
        ident = f"{snippet.doc}:{snippet.lineno}"
        if (snippet.doc, snippet.first_line) in ALLOWED_SNIPPETS:
            continue
        cases.append(pytest.param(snippet, "as written", id=f"{ident} [as written]"))
        if "out/demo.sqlite" in snippet.code:
            cases.append(pytest.param(snippet, "real", id=f"{ident} [real]"))
    return cases


def rewrite(code: str, variant: str) -> str:
    for pattern, replacement in SNIPPET_REWRITES:
        code = re.sub(pattern, replacement, code)
    if variant == "real":
        code = code.replace("out/demo.sqlite", REAL_DB)
    return code


@pytest.mark.parametrize(("snippet", "variant"), snippet_cases())
def test_python_snippet_runs(
    snippet: Snippet, variant: str, ws: Path, request: pytest.FixtureRequest
) -> None:
    expect_known_failure(request, snippet.first_line, variant)
    known = KNOWN_FAILURES.get((snippet.first_line, variant))
    code = rewrite(snippet.code, variant)
    namespace: dict[str, Any] = {"__name__": "__readme__"}
    try:
        exec(compile(code, f"{snippet.doc}:{snippet.lineno}", "exec"), namespace)
    except Exception as exc:
        if known is not None and known[0] in str(exc):
            raise KnownFailure(known[1]) from exc
        raise


def test_placeholders_are_recognised() -> None:
    """The classification rests on these: a test of the test."""
    assert all(map(is_placeholder, ["FILE", "DIR", "N", "R", "ID", "F.json", "CONCEPT=CODE"]))
    assert all(map(is_placeholder, ["FILE.geojson", "F_V", "URL", "..."]))
    assert not any(map(is_placeholder, ["DE", "TR", "US,DE,JP", "2020", "rupture_us", "a.CSV"]))
    items = parse(tokens("channels --partner TR | --region Татарстан [--format csv]"))
    alternatives = branches(CLI, items)
    assert [b.path for b in alternatives] == [("channels",), ("channels",)]
    assert [instance(CLI, b, fill) for b in alternatives] == [
        ["channels", "--partner", "TR", "--format", "csv"],
        ["channels", "--region", "Татарстан", "--format", "csv"],
    ]
    items = parse(tokens("fetch wikidata twinning | consulates [--from-file F.json] [--dry-run]"))
    assert [instance(CLI, b, fill) for b in branches(CLI, items)] == [
        ["fetch", "wikidata", "twinning", "--from-file", "twinning.json", "--dry-run"],
        ["fetch", "wikidata", "consulates", "--from-file", "consulates.json", "--dry-run"],
    ]
    with pytest.raises(MissingValue):
        fill(("records",), "--no-such-option", "VALUE")
