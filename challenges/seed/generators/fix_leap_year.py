import random

LIMIT = 10**9


def mixed_years(rng: random.Random, *, t: int) -> str:
    """Multiples of 400, of 100 only, of 4 only, and other years, small and large."""
    years = []
    for _ in range(t):
        kind = rng.random()
        if kind < 0.25:
            years.append(400 * rng.randint(1, LIMIT // 400))
        elif kind < 0.5:
            year = 100 * rng.randint(1, LIMIT // 100)
            years.append(year if year % 400 else year - 100)
        elif kind < 0.75:
            year = 4 * rng.randint(1, LIMIT // 4)
            years.append(year if year % 100 else year - 4)
        else:
            years.append(rng.choice((rng.randint(1, 3000), rng.randint(1, LIMIT))))
    return f"{t}\n" + "\n".join(map(str, years)) + "\n"
