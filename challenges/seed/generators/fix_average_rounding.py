import random


def desks(rng: random.Random, *, q: int) -> str:
    """Desks of every kind: large and small P&L, averages that end in an exact half cent, averages
    that round to zero from below, all-zero desks and desks without trades."""
    lines = [str(q)]
    for index in range(1, q + 1):
        kind = rng.random()
        if kind < 0.55:
            values = [rng.randint(-10**6, 10**6) for _ in range(rng.randint(1, 300))]
        elif kind < 0.7:
            values = [rng.randint(-1000, 1000) for _ in range(rng.randint(1, 60))]
        elif kind < 0.8:
            # k = 8 or 200: the exact average can end in 5 in the third decimal.
            k = rng.choice((8, 200))
            values = [rng.randint(-1000, 1000) for _ in range(k)]
        elif kind < 0.9:
            # A tiny negative average: rounds to 0.00, never -0.00.
            k = rng.randint(300, 1000)
            values = [0] * k
            values[rng.randrange(k)] = -1
        elif kind < 0.95:
            values = [0] * 1000
        else:
            values = []
        lines.append(f"desk{index:03d} {len(values)} {' '.join(map(str, values))}".rstrip())
    return "\n".join(lines) + "\n"
