"""The architecture rule of the package, checked on its source with :mod:`ast`.

Every import of a ``paradiplomacy`` module by another (at the top of a module, inside a function
or under ``TYPE_CHECKING``: all of them are dependencies) is an edge of the import graph. The
graph has no cycle, and the imports flow one way::

    registry -> ledger -> indicators -> assess -> report, web
                     \\-> connectors, synthetic, starter, migrations
    composite (the general index engine) -> assess
    cli imports anything; nothing imports cli

The utilities (``i18n``, ``resources``, ``strictjson``, ``terminal``, ``text`` and the
package's own ``__init__``, which holds ``__version__``) are at the bottom: anybody may import
them, they import only each other. Importing a submodule runs its parent package's ``__init__`` too;
those implicit edges are not counted (a package re-exporting its submodules is not a cycle).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

import paradiplomacy

PACKAGE = "paradiplomacy"
ROOT = Path(paradiplomacy.__file__).parent

UTILITIES = frozenset({PACKAGE, "i18n", "resources", "strictjson", "terminal", "text"})
"""The layer ``utility``: modules at the top of the package that import no other layer."""

ALLOWED: dict[str, frozenset[str]] = {
    "utility": frozenset(),
    "registry": frozenset(),
    "ledger": frozenset({"registry"}),
    "migrations": frozenset({"registry", "ledger"}),
    "indicators": frozenset({"registry", "ledger"}),
    "composite": frozenset(),
    "assess": frozenset({"registry", "ledger", "indicators", "composite"}),
    "report": frozenset({"registry", "ledger", "indicators", "composite", "assess"}),
    "web": frozenset({"registry", "ledger", "indicators", "composite", "assess"}),
    "connectors": frozenset({"registry", "ledger"}),
    "synthetic": frozenset({"registry", "ledger"}),
    "starter": frozenset({"registry", "ledger"}),
}
"""Layer -> the other layers it may import (every layer may import itself and the utilities)."""
ALLOWED["cli"] = frozenset(ALLOWED) - {"utility"}  # the command line may import any layer


def modules(root: Path, package: str = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``) for every ``.py`` under ``root``."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _imported(name: str, is_package: bool, node: ast.AST, known: Mapping[str, object]) -> set[str]:
    """The known modules one import statement of module ``name`` imports."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in known}
    if not isinstance(node, ast.ImportFrom):
        return set()
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join([*base, *([node.module] if node.module else [])])
    else:
        target = node.module or ""
    out = set()
    for alias in node.names:
        submodule = f"{target}.{alias.name}"
        if submodule in known:
            out.add(submodule)
        elif target in known:
            out.add(target)
    return out


def import_graph(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package modules it imports (no self-edges)."""
    known = modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in ast.walk(tree):
            edges |= _imported(name, is_package, node, known)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as ``[a, b, ..., a]``, or None when it has none (depth-first)."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        stack = [iter(sorted(graph[start]))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif step in on_path:
                return [*path[path.index(step) :], step]
            elif step not in done:
                path.append(step)
                on_path.add(step)
                stack.append(iter(sorted(graph.get(step, ()))))
    return None


def layer(module: str, package: str = PACKAGE) -> str:
    """The layer of a module: its first name below the package, or ``utility``."""
    top = module.split(".")[1] if "." in module else module
    if module == package or top in UTILITIES:
        return "utility"
    return top


def violations(graph: Mapping[str, set[str]], package: str = PACKAGE) -> list[str]:
    """Each import that breaks :data:`ALLOWED`, as ``importer -> imported (rule)``."""
    found = []
    for module, targets in sorted(graph.items()):
        source = layer(module, package)
        for target in sorted(targets):
            dest = layer(target, package)
            if dest in (source, "utility"):
                continue
            if dest not in ALLOWED.get(source, frozenset()):
                allowed = ", ".join(sorted(ALLOWED.get(source, ()))) or "only utilities"
                found.append(f"{module} -> {target} ({source} may import: {allowed})")
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT)


def test_the_graph_is_the_package(graph: dict[str, set[str]]) -> None:
    """The graph reads every module and resolves absolute and relative imports."""
    assert len(graph) == len(list(ROOT.rglob("*.py")))
    assert "paradiplomacy.cli.ledger" in graph["paradiplomacy.cli"]  # from package import module
    assert "paradiplomacy.web.board" in graph["paradiplomacy.web.api"]  # from .board import
    assert "paradiplomacy.synthetic" in graph["paradiplomacy.cli.ledger"]  # inside a function
    assert sum(len(v) for v in graph.values()) > 150


def test_every_module_has_a_layer(graph: dict[str, set[str]]) -> None:
    """A new subpackage or top-level module must be placed in the table."""
    assert {layer(m) for m in graph} == set(ALLOWED)


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_flow_one_way(graph: dict[str, set[str]]) -> None:
    found = violations(graph)
    assert not found, "imports against the layout:\n" + "\n".join(found)


def test_nothing_imports_the_cli(graph: dict[str, set[str]]) -> None:
    importers = {m for m, targets in graph.items() for t in targets if layer(t) == "cli"}
    assert {layer(m) for m in importers} <= {"cli"}


def test_the_checks_fail_on_a_cycle_and_a_wrong_import(tmp_path: Path) -> None:
    """The checker itself: a package with a cycle and an upward import is caught."""
    root = tmp_path / "pkg"
    for folder in ("ledger", "synthetic", "composite"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "text.py").write_text("from pkg.ledger import store\n")  # a utility importing up
    (root / "ledger" / "store.py").write_text("from ..synthetic import gen\n")
    (root / "synthetic" / "gen.py").write_text(
        "def f():\n    from pkg.ledger.store import x\n    from pkg import text\n"
    )
    (root / "composite" / "a.py").write_text("from . import b\n")
    (root / "composite" / "b.py").write_text("import pkg.composite.a\n")
    graph = import_graph(root, "pkg")
    assert graph["pkg.synthetic.gen"] == {"pkg.ledger.store", "pkg.text"}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] and len(cycle) == 3
    assert set(cycle) in (
        {"pkg.composite.a", "pkg.composite.b"},
        {"pkg.ledger.store", "pkg.synthetic.gen"},
    )
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    found = violations(graph, "pkg")
    assert [f.split(" (")[0] for f in found] == [
        "pkg.ledger.store -> pkg.synthetic.gen",
        "pkg.text -> pkg.ledger.store",
    ]
