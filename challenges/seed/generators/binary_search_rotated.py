import random

LIMIT = 10**9


def rotated_buffer(rng: random.Random, *, n: int, q: int) -> str:
    """Distinct sorted values rotated at a random point; queries hit values, their neighbours, the
    gaps, and both ends (below the minimum and above the maximum)."""
    values = sorted(rng.sample(range(-LIMIT + 1, LIMIT), n))
    k = rng.randrange(n)
    buffer = values[k:] + values[:k]
    queries = []
    for _ in range(q):
        kind = rng.random()
        if kind < 0.4:
            queries.append(rng.choice(values))
        elif kind < 0.7:
            queries.append(rng.choice(values) + rng.choice((-1, 1)))
        elif kind < 0.97:
            queries.append(rng.randint(-LIMIT, LIMIT))
        else:
            queries.append(rng.choice((LIMIT, -LIMIT, values[0], values[-1], values[-1] + 1)))
    return f"{n}\n{' '.join(map(str, buffer))}\n{q}\n{' '.join(map(str, queries))}\n"
