import random
import string

PRINTABLE = "".join(chr(c) for c in range(33, 127))


def single_long_word(rng: random.Random, *, length: int) -> str:
    return f"1\n{rng.choice(string.ascii_lowercase) * length}\n"


def ragged_lines(rng: random.Random, *, q: int, words: int) -> str:
    """Lines with runs of spaces, leading and trailing spaces, blank and spaces-only lines."""
    lines = []
    for _ in range(q):
        kind = rng.random()
        if kind < 0.05:
            lines.append("")
        elif kind < 0.1:
            lines.append(" " * rng.randint(1, 20))
        else:
            parts = [" " * rng.choice((0, 0, 1, 3, 5))]
            for _ in range(rng.randint(1, words)):
                parts.append("".join(rng.choice(PRINTABLE) for _ in range(rng.randint(1, 8))))
                parts.append(" " * rng.choice((1, 1, 1, 2, 3, 7)))
            lines.append("".join(parts))
    return f"{q}\n" + "\n".join(lines) + "\n"
