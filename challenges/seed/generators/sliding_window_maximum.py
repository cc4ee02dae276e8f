import random


def two_halves(rng: random.Random, *, n: int, k: int) -> str:
    """A wide window over a high first half and a lower second half: O(n * k) times out."""
    first = [rng.randint(0, 1000) for _ in range(n // 2)]
    second = [rng.randint(-1000, 600) for _ in range(n - n // 2)]
    return f"{n} {k}\n{' '.join(map(str, first + second))}\n"
