import random


def diamond_chain(rng: random.Random, *, diamonds: int, extra: int) -> str:
    """A chain of diamonds with unit weights: the number of shortest routes doubles at each
    diamond, so counts must be taken modulo 1e9+7. Edges are shuffled."""
    n = 3 * diamonds + 1
    edges = []
    for d in range(diamonds):
        a, b, c, e = 3 * d + 1, 3 * d + 2, 3 * d + 3, 3 * d + 4
        edges += [(a, b, 1), (a, c, 1), (b, e, 1), (c, e, 1)]
    for _ in range(extra):
        u = rng.randint(1, n)
        edges.append((u, u, rng.randint(1, 5)))  # loops never shorten anything
    rng.shuffle(edges)
    return f"{n} {len(edges)} 1\n" + "\n".join(f"{u} {v} {w}" for u, v, w in edges) + "\n"


def random_roads(rng: random.Random, *, n: int, m: int, max_weight: int) -> str:
    """Random one-way roads with small weights (many equal-length routes); some intersections are
    unreachable."""
    edges = [(rng.randint(1, n), rng.randint(1, n), rng.randint(1, max_weight)) for _ in range(m)]
    return f"{n} {m} 1\n" + "\n".join(f"{u} {v} {w}" for u, v, w in edges) + "\n"
