"""One cycle finder for the architecture tests (the project's and the emulator's own)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator


def import_cycles(nodes: Iterable[str], imports: Callable[[str], Iterable[str]]
                  ) -> list[list[str]]:
    """Strongly connected components of more than one node, or a node importing itself
    (Tarjan's algorithm, iterative: no recursion limit on a large graph). Imports of anything
    outside ``nodes`` are left out."""
    ordered = sorted(set(nodes))
    known = set(ordered)
    edges = {node: sorted(set(imports(node)) & known) for node in ordered}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in ordered:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges[successor])))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in edges[node]:
                        found.append(sorted(component))
    return found
