import random

LIMIT = 10**9


def leaderboard(rng: random.Random, *, n: int, q: int) -> str:
    """Sorted scores with duplicates; queries include exact scores, the maximum, above the maximum
    (the reported bug), 0 and random values."""
    scores = sorted(rng.randint(0, LIMIT // 10) * 10 if rng.random() < 0.1 else rng.randint(0, LIMIT - 1)
                    for _ in range(n))
    top = scores[-1]
    queries = []
    for _ in range(q):
        kind = rng.random()
        if kind < 0.3:
            queries.append(rng.choice(scores))
        elif kind < 0.35:
            queries.append(rng.choice((top, top + 1, LIMIT, 0)))
        else:
            queries.append(rng.randint(0, LIMIT))
    return f"{n}\n{' '.join(map(str, scores))}\n{q}\n{' '.join(map(str, queries))}\n"
