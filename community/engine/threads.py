"""Comment trees: built from one flat list (one query), in order of the rows' ids."""

from dataclasses import dataclass, field
from typing import Any

COLLAPSE_DEPTH = 4  # replies deeper than this start folded ("continue this thread")
MAX_DEPTH = 30  # replies to a comment this deep are refused


@dataclass
class Node:
    item: Any
    children: list["Node"] = field(default_factory=list)

    @property
    def descendants(self) -> int:
        return sum(1 + child.descendants for child in self.children)


def build_tree(items, *, id_of=lambda c: c.id, parent_of=lambda c: c.parent_id) -> list[Node]:
    """Roots in order, each with its replies in order. A reply whose parent is absent from
    `items` becomes a root, so that nothing disappears. Iterative: no recursion limit."""
    nodes = {id_of(item): Node(item) for item in items}
    roots: list[Node] = []
    for item in items:
        node = nodes[id_of(item)]
        parent = nodes.get(parent_of(item)) if parent_of(item) is not None else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def flatten(roots: list[Node]) -> list[tuple[Node, int]]:
    """(node, depth) in reading order, depth-first; iterative."""
    out: list[tuple[Node, int]] = []
    stack = [(node, 0) for node in reversed(roots)]
    while stack:
        node, depth = stack.pop()
        out.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return out
