import random

LIMIT = 10**9


def random_values(rng: random.Random, *, n: int, maximum_copies: int) -> str:
    """Random values with the maximum repeated a few times (duplicates of the maximum do not count)."""
    values = [rng.randint(-LIMIT, LIMIT - 1) for _ in range(n - maximum_copies)]
    top = max(values) + 1
    for _ in range(maximum_copies):
        values.insert(rng.randrange(len(values) + 1), top)
    return f"{n}\n{' '.join(map(str, values))}\n"
