import random


def mostly_positive(rng: random.Random, *, n: int, negative_share: float) -> str:
    """Large values, mostly positive: the sum needs 64 bits and the best run is long."""
    values = [rng.randint(-10**9, -10**8) if rng.random() < negative_share else rng.randint(4 * 10**8, 10**9)
              for _ in range(n)]
    return f"{n}\n{' '.join(map(str, values))}\n"


def small_values(rng: random.Random, *, n: int, low: int, high: int) -> str:
    """Many zeros and small values: lots of ties, so the smallest-l then smallest-r rule matters."""
    values = [rng.randint(low, high) for _ in range(n)]
    return f"{n}\n{' '.join(map(str, values))}\n"
