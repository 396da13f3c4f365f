"""Architecture contracts: imports point one way, and no first-party module is in an import cycle.

The import graph is grimp's: every import statement of every module, including imports inside
functions and under ``if TYPE_CHECKING:`` (a cycle hidden in a function is still a cycle).
A cycle is a strongly connected component of that graph with more than one module.
"""

from __future__ import annotations

from collections.abc import Iterable

import grimp
import pytest

from tests.import_cycles import import_cycles

#: Every first-party package (``deploy/`` holds scripts, not a package; ``tests`` is not code).
FIRST_PARTY = ("moodystream", "accounts", "playlists", "shared_state", "spotify_emulator", "bench")
#: The project package's composition roots: the only modules of ``moodystream`` that may import
#: an app (they wire the apps into URLs and the WSGI application).
COMPOSITION_ROOTS = ("moodystream.urls", "moodystream.wsgi", "moodystream.lambda_handler")

#: (importers, what they must not import, why). A name covers the module and its children.
FORBIDDEN: list[tuple[str, tuple[str, ...], str]] = [
    (
        "playlists.services",
        (
            "django", "spotipy", "requests", "moodystream", "accounts", "spotify_emulator",
            "bench", "playlists.views", "playlists.forms", "playlists.middleware",
            "playlists.management", "playlists.generator_session", "playlists.web_player",
            "playlists.suggestions", "playlists.templatetags", "playlists.urls",
            "playlists.spotify.gateway", "playlists.spotify.calls", "playlists.spotify.accounts",
            "playlists.spotify.parsing",
        ),
        "services are plain typed functions behind ports: no Django, no web, no Spotify adapter",
    ),
    (
        "playlists.spotify",
        (
            "django", "moodystream", "accounts", "spotify_emulator", "bench",
            "playlists.services", "playlists.views", "playlists.forms", "playlists.middleware",
            "playlists.management", "playlists.generator_session", "playlists.web_player",
            "playlists.suggestions", "playlists.templatetags", "playlists.urls",
        ),
        "the Spotify layer is the one adapter to Spotify: it knows no service, page or session",
    ),
    (
        "playlists.music",
        ("django", "moodystream", "accounts", "playlists.services", "playlists.spotify"),
        "the music types are plain data every layer shares",
    ),
    (
        "accounts",
        (
            "bench", "playlists.services", "playlists.views", "playlists.forms",
            "playlists.middleware", "playlists.management", "playlists.generator_session",
            "playlists.web_player", "playlists.suggestions", "playlists.templatetags",
            "playlists.urls",
        ),
        "accounts sits below the generator: of playlists it uses only the Spotify layer",
    ),
    (
        "spotify_emulator",
        ("moodystream", "accounts", "playlists", "shared_state", "bench"),
        "the emulator is a stand-alone Spotify: it knows nothing of the app",
    ),
    (
        "shared_state",
        ("moodystream", "accounts", "playlists", "spotify_emulator", "bench"),
        "the shared store is a plain service the apps use: it knows none of them",
    ),
    *[
        (app, ("bench", *COMPOSITION_ROOTS), "nothing depends on benchmarks or composition roots")
        for app in ("accounts", "playlists", "shared_state", "spotify_emulator")
    ],
]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*FIRST_PARTY, include_external_packages=True, cache_dir=None)


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def cycles(graph: grimp.ImportGraph, modules: Iterable[str]) -> list[list[str]]:
    """The import cycles among ``modules`` (a module importing itself included)."""
    return import_cycles(modules, graph.find_modules_directly_imported_by)


def describe(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    lines = [d["line_number"] for d in details]
    return f"{importer} imports {imported} (line {', '.join(map(str, lines)) or '?'})"


def test_the_cycle_finder_finds_a_cycle_and_nothing_else() -> None:
    small = grimp.ImportGraph()
    for importer, imported in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("e", "e")]:
        small.add_import(importer=importer, imported=imported)
    assert cycles(small, ["a", "b", "c", "d", "e"]) == [["a", "b", "c"], ["e"]]


def test_the_graph_sees_imports_inside_functions_and_type_checking_blocks(graph) -> None:
    """``accounts.spotify_access`` imports the gateway only under TYPE_CHECKING and inside
    ``build_gateway`` (spotipy costs cold start): both must be in the graph."""
    lines = {
        d["line_number"]
        for d in graph.get_import_details(
            importer="accounts.spotify_access", imported="playlists.spotify.gateway"
        )
    }
    assert len(lines) >= 2, lines


#: The emulator's own layering is tests/spotify_emulator/test_architecture.py's; cycles that
#: cross packages are found here.
PACKAGES_WITHOUT_CYCLES = [
    "moodystream", "accounts", "playlists", "shared_state", "bench", "spotify_emulator"
]


@pytest.mark.parametrize("package", PACKAGES_WITHOUT_CYCLES)
def test_no_import_cycle_touches(graph, package: str) -> None:
    first_party = [m for m in graph.modules if any(within(m, p) for p in FIRST_PARTY)]
    touching = [c for c in cycles(graph, first_party) if any(within(m, package) for m in c)]
    assert touching == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in touching)


def test_the_project_package_imports_apps_only_in_its_composition_roots(graph) -> None:
    apps = ("accounts", "playlists", "shared_state", "spotify_emulator", "bench")
    wrong = [
        describe(graph, importer, imported)
        for importer in sorted(graph.modules)
        if within(importer, "moodystream") and importer not in COMPOSITION_ROOTS
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if any(within(imported, app) for app in apps)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("importers", "forbidden", "why"),
    FORBIDDEN,
    ids=[f"{importers}-{n}" for n, (importers, _, _) in enumerate(FORBIDDEN)],
)
def test_layers(graph, importers: str, forbidden: tuple[str, ...], why: str) -> None:
    wrong = [
        describe(graph, importer, imported)
        for importer in sorted(graph.modules)
        if within(importer, importers)
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if not within(imported, importers) and any(within(imported, f) for f in forbidden)
    ]
    assert wrong == [], why
