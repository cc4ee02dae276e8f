import random

LIMIT = 10**9


def planted_pair(rng: random.Random, *, n: int, i: int, j: int) -> str:
    """Exactly one pair (i, j) sums to the target; every other value is chosen so that it pairs
    with nothing."""
    target = rng.randint(-LIMIT, LIMIT)
    values: list[int] = []
    seen: set[int] = set()
    while len(values) < n - 2:
        v = rng.randint(-LIMIT, LIMIT)
        if target - v in seen or not -LIMIT <= target - v <= LIMIT:
            continue
        values.append(v)
        seen.add(v)
    while True:
        x = rng.randint(max(-LIMIT, target - LIMIT), min(LIMIT, target + LIMIT))
        if x not in seen and target - x not in seen and 2 * x != target:
            break
    values.insert(i, x)
    values.insert(j, target - x)
    return f"{n} {target}\n{' '.join(map(str, values))}\n"


def no_pair(rng: random.Random, *, n: int) -> str:
    """Even values and an odd target: no pair exists, so a search must look at everything."""
    target = 2 * rng.randint(-LIMIT // 2, LIMIT // 2 - 1) + 1
    values = [2 * rng.randint(-LIMIT // 2, LIMIT // 2) for _ in range(n)]
    return f"{n} {target}\n{' '.join(map(str, values))}\n"
