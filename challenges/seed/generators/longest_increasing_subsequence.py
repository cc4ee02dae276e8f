import random


def increasing(rng: random.Random, *, n: int) -> str:
    """Already strictly increasing: the answer is n."""
    values = range(-(n // 2), n - n // 2)
    return f"{n}\n{' '.join(map(str, values))}\n"


def noisy_trend(rng: random.Random, *, n: int, slope: float, noise: int) -> str:
    """An upward trend with noise: the answer is in the thousands, so the O(n^2) DP times out."""
    values = [int(i * slope) + rng.randint(-noise, noise) for i in range(n)]
    return f"{n}\n{' '.join(map(str, values))}\n"
