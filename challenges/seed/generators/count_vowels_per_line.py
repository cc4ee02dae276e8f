import random

PRINTABLE = "".join(chr(c) for c in range(32, 127))


def random_text(rng: random.Random, *, n: int, longest: int) -> str:
    """Lines of printable ASCII, some empty (a reader that skips blank lines loses count)."""
    lines = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.15:
            lines.append("")
        elif kind < 0.4:
            lines.append("".join(rng.choice(PRINTABLE) for _ in range(rng.randint(1, 8))))
        else:
            lines.append("".join(rng.choice(PRINTABLE) for _ in range(rng.randint(10, longest))).strip())
    return f"{n}\n" + "\n".join(lines) + "\n"
