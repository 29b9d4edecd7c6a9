"""The package's import graph, read from its code: no module imports its way back round to itself,
and no module inside the package goes through the front door."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "tcdocs"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The package's modules that *name* imports anywhere: at its top, inside functions, for type checking only."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            source = ".".join(part for part in (base, node.module) if part)
            # `from . import x` imports the module x if there is one, else a name of the package.
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source for alias in node.names]
        else:
            continue
        for target in targets:
            found.add(target)
            # From outside, importing tcdocs.models.base runs tcdocs/models/__init__.py first.
            parent = target.rpartition(".")[0]
            while parent.count(".") and not name.startswith(f"{parent}."):
                found.add(parent)
                parent = parent.rpartition(".")[0]
    return {target for target in found if target in MODULES and target != name}


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def circles() -> list[list[str]]:
    """Every import circle, each as the modules in it from its first module back to that module."""
    found, state = [], dict.fromkeys(GRAPH, "new")

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if state[target] == "open":
                found.append([*trail[trail.index(target) :], target])
            elif state[target] == "new":
                visit(target, [*trail, target])
        state[name] = "done"

    for name in GRAPH:
        if state[name] == "new":
            visit(name, [name])
    return found


def test_the_graph_is_read():
    assert "tcdocs.models.base" in GRAPH["tcdocs.loader"]
    assert "tcdocs.models" in GRAPH["tcdocs.loader"]
    assert "tcdocs.backends.pdf" not in GRAPH["tcdocs.rendering"]  # imported by name at run time, not by an import


def test_no_module_imports_its_way_back_round_to_itself():
    assert circles() == []


def test_no_module_inside_the_package_goes_through_the_front_door():
    # The version is in tcdocs/_version.py; the front door only re-exports.
    assert sorted(name for name, targets in GRAPH.items() if "tcdocs" in targets) == []
