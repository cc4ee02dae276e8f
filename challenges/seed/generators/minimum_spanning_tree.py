import random


def connected_graph(rng: random.Random, *, n: int, m: int, max_weight: int) -> str:
    """A random spanning tree plus random extra links (parallel links and loops included),
    shuffled: connected, so the answer is a cost."""
    order = list(range(1, n + 1))
    rng.shuffle(order)
    edges = [(order[i], order[rng.randrange(i)], rng.randint(1, max_weight)) for i in range(1, n)]
    while len(edges) < m:
        edges.append((rng.randint(1, n), rng.randint(1, n), rng.randint(1, max_weight)))
    rng.shuffle(edges)
    edges = [(v, u, w) if rng.random() < 0.5 else (u, v, w) for u, v, w in edges]
    return f"{n} {m}\n" + "\n".join(f"{u} {v} {w}" for u, v, w in edges) + "\n"
