"""Start-up of the command line: ``import paradiplomacy.cli`` and every ``--help`` stay light.

``paradiplomacy --help`` pays for every module the CLI imports at start-up (issue 13: 0.9 s when
the CLI imported pandas, SQLAlchemy and the store; the figure is timed by
``benchmarks/bench_cli.py``, not here). These tests run a fresh interpreter and check which
heavy libraries it loaded, so that a module-level import added to ``cli/`` fails a test instead
of slowing every command down silently. A second test pins the command tree and its options
(``tests/fixtures/cli_tree.json``), so that moving imports cannot change what typer builds.
Regenerate that file after a deliberate change with ``.venv/bin/python -m tests.test_cli_startup``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.main import get_command

from paradiplomacy.cli import app

HEAVY = ("pandas", "numpy", "scipy", "sqlalchemy", "pyarrow", "duckdb", "httpx", "uvicorn")
"""Libraries the start-up must not import: each costs tens to hundreds of milliseconds."""

TREE = Path(__file__).parent / "fixtures" / "cli_tree.json"

_PROBE = """
import json, sys
{body}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))))
"""

_EVERY_HELP = """
import paradiplomacy.cli
from typer.main import get_command
from typer.testing import CliRunner

def walk(group, path=()):
    yield path
    for name, command in getattr(group, "commands", {}).items():
        yield from walk(command, (*path, name))

runner = CliRunner()
for path in walk(get_command(paradiplomacy.cli.app)):
    result = runner.invoke(paradiplomacy.cli.app, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout, (path, result.output)
"""


def heavy_modules(body: str) -> list[str]:
    """The :data:`HEAVY` libraries a fresh interpreter holds after running ``body``."""
    code = _PROBE.format(body=body, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_probe_sees_a_heavy_import() -> None:
    """The check itself: the store imports pandas and SQLAlchemy, and the probe reports them."""
    found = heavy_modules("import paradiplomacy.ledger.store")
    assert {"pandas", "sqlalchemy", "numpy"} <= set(found)


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert heavy_modules("import paradiplomacy.cli") == []


def test_every_help_loads_no_heavy_library() -> None:
    """``--help`` of every command and group builds all of typer's commands (resolving each
    parameter's type) and renders them: still nothing heavy."""
    assert heavy_modules(_EVERY_HELP) == []


def command_tree() -> dict[str, list[dict[str, Any]]]:
    """Every command path (``""`` for the app) -> its parameters as typer built them."""
    tree: dict[str, list[dict[str, Any]]] = {}

    def walk(group: Any, path: tuple[str, ...] = ()) -> None:
        tree[" ".join(path)] = [
            {
                "name": p.name,
                "kind": p.param_type_name,
                "opts": [*p.opts, *p.secondary_opts],
                "type": repr(p.type_descriptor.annotation),
                "default": str(p.default),
                "required": p.required,
                "multiple": p.multiple,
                "envvar": p.envvar,
                "help": getattr(p, "help", None),
            }
            for p in group.params
        ]
        for name, command in getattr(group, "commands", {}).items():
            walk(command, (*path, name))

    walk(get_command(app))
    return tree


def test_the_command_tree_is_unchanged() -> None:
    expected = json.loads(TREE.read_text(encoding="utf-8"))
    tree = command_tree()
    assert sorted(tree) == sorted(expected), "commands added or removed: regenerate " + str(TREE)
    for path, params in expected.items():
        assert tree[path] == params, f"options of `paradiplomacy {path}` changed"


def write_tree(path: Path = TREE) -> None:
    """Write :func:`command_tree` as JSON, one line per parameter (small diffs on a change)."""
    blocks = []
    for command, params in sorted(command_tree().items()):
        lines = ",\n".join("  " + json.dumps(p, ensure_ascii=False, sort_keys=True) for p in params)
        blocks.append(f" {json.dumps(command)}: [\n{lines}\n ]")
    path.write_text("{\n" + ",\n".join(blocks) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    write_tree()
    print(f"wrote {TREE}")
