"""The emulator's layout rules: imports point one way and private names stay private.

Read by grimp from the source, so an import inside a function or under ``TYPE_CHECKING``
counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import grimp
import pytest

from tests.import_cycles import import_cycles

PACKAGE = "spotify_emulator"
SOURCE = Path(__file__).resolve().parents[2] / PACKAGE


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, cache_dir=None)


def concern(module: str) -> str:
    """A module's home: its sub-package (``spotify_emulator.catalogue``), or itself at the top."""
    parts = module.split(".")
    return ".".join(parts[:2])


def squashed(graph: grimp.ImportGraph) -> Mapping[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        source = concern(module)
        edges.setdefault(source, set())
        for target in graph.find_modules_directly_imported_by(module):
            if concern(target) != source:
                edges[source].add(concern(target))
    return edges


def test_no_module_imports_itself_through_others(graph: grimp.ImportGraph) -> None:
    assert import_cycles(graph.modules, graph.find_modules_directly_imported_by) == []


def test_sub_packages_and_top_level_modules_import_one_way(graph: grimp.ImportGraph) -> None:
    edges = squashed(graph)
    assert import_cycles(edges, lambda node: edges[node]) == []


#: Top to bottom, as in the README's table: a module may import its own layer and those below.
LAYERS = (
    ("", "__main__", "cli_commands", "selfcheck", "testing"),
    ("server",),
    ("app",),
    ("control",),
    ("emulator",),
    ("web_api",),
    ("accounts",),
    ("sites",),
    ("state",),
    ("catalogue",),
    ("config", "faults", "ratelimit", "requestlog", "clock", "responses", "ids"),
)


def layer_of(node: str) -> int:
    name = node.removeprefix(PACKAGE).removeprefix(".")
    return next(i for i, layer in enumerate(LAYERS) if name in layer)


def test_every_module_has_a_layer(graph: grimp.ImportGraph) -> None:
    placed = {f"{PACKAGE}.{name}".rstrip(".") for layer in LAYERS for name in layer}
    assert set(squashed(graph)) - placed == set()


def test_imports_point_down_the_layers(graph: grimp.ImportGraph) -> None:
    upward = sorted(f"{source} -> {target}" for source, targets in squashed(graph).items()
                    for target in targets if layer_of(target) < layer_of(source))
    assert upward == []


def test_the_catalogue_is_plain_data(graph: grimp.ImportGraph) -> None:
    """The catalogue model, its generation, files and search use no web layer and no state."""
    assert squashed(graph)[f"{PACKAGE}.catalogue"] <= {f"{PACKAGE}.ids", f"{PACKAGE}.config"}


def private_imports(root: Path) -> list[str]:
    """``from spotify_emulator.x import _name`` anywhere in the package (a private name used
    outside the module that defines it)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (
                    node.module or "").startswith(PACKAGE)):
                found += [f"{path.relative_to(root)}: {alias.name}" for alias in node.names
                          if alias.name.startswith("_")]
    return found


def test_no_private_name_is_imported_across_modules() -> None:
    assert private_imports(SOURCE) == []


def test_the_checks_see_a_cycle_and_a_private_import(tmp_path: Path) -> None:
    """The checks above can fail: a two-module circle and a private import are reported."""
    assert layer_of(f"{PACKAGE}.app") < layer_of(f"{PACKAGE}.catalogue")
    edges = {"a": {"b"}, "b": {"a", "c"}, "c": set()}
    assert import_cycles(edges, lambda node: edges[node]) == [["a", "b"]]
    (tmp_path / "m.py").write_text(f"from {PACKAGE}.catalogue.model import _Hidden\n")
    assert private_imports(tmp_path) == ["m.py: _Hidden"]
