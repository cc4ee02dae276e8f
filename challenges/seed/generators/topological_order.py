import random


def _dag_edges(rng: random.Random, n: int, m: int) -> list[tuple[int, int]]:
    order = list(range(1, n + 1))
    rng.shuffle(order)
    edges = []
    for _ in range(m):
        i, j = sorted(rng.sample(range(n), 2))
        edges.append((order[i], order[j]))
    return edges


def random_dag(rng: random.Random, *, n: int, m: int) -> str:
    """Rules consistent with a hidden order (repeats allowed): a valid order exists, and the
    smallest one needs a priority queue."""
    edges = _dag_edges(rng, n, m)
    return f"{n} {m}\n" + "\n".join(f"{a} {b}" for a, b in edges) + "\n"


def dag_with_cycle(rng: random.Random, *, n: int, m: int, cycle: int) -> str:
    """Like random_dag, with one cycle of `cycle` courses hidden among the rules."""
    edges = _dag_edges(rng, n, m - cycle)
    ring = rng.sample(range(1, n + 1), cycle)
    edges += [(ring[i], ring[(i + 1) % cycle]) for i in range(cycle)]
    rng.shuffle(edges)
    return f"{n} {m}\n" + "\n".join(f"{a} {b}" for a, b in edges) + "\n"
