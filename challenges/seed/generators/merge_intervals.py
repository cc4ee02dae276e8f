import random

LIMIT = 10**9


def scattered(rng: random.Random, *, n: int, mean_length: int) -> str:
    """Points, short and long intervals all over the line (some touching the ends), unsorted."""
    lines = [str(n)]
    for _ in range(n):
        kind = rng.random()
        if kind < 0.25:
            length = 0
        elif kind < 0.995:
            length = int(rng.expovariate(1 / mean_length))
        else:
            length = rng.randint(LIMIT // 100, LIMIT // 20)
        length = min(length, 2 * LIMIT)
        start = rng.randint(-LIMIT, LIMIT - length)
        lines.append(f"{start} {start + length}")
    return "\n".join(lines) + "\n"
