import random


def random_operations(rng: random.Random, *, capacity: int, q: int, keys: int) -> str:
    """GETs and PUTs over a key pool several times the capacity: hits, misses, updates of present
    keys and evictions all happen often."""
    pool = rng.sample(range(10**9 + 1), keys)
    lines = [f"{capacity} {q}"]
    for _ in range(q):
        key = rng.choice(pool)
        if rng.random() < 0.5:
            lines.append(f"GET {key}")
        else:
            lines.append(f"PUT {key} {rng.randint(0, 10**6)}")
    lines[1] = f"GET {pool[0]}"  # at least one GET
    return "\n".join(lines) + "\n"
