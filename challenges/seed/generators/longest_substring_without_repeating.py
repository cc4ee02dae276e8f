import random

PRINTABLE = [chr(c) for c in range(33, 127)]


def planted_window(rng: random.Random, *, n: int, alphabet: str, at: int) -> str:
    """A long string over a few letters with every printable character, once each, planted near
    the end: the answer is 94 and a window that only grows from the left misses it."""
    window = PRINTABLE[:]
    rng.shuffle(window)
    text = [rng.choice(alphabet) for _ in range(n)]
    text[at:at + len(window)] = window
    return "".join(text[:n]) + "\n"


def random_printable(rng: random.Random, *, n: int) -> str:
    return "".join(rng.choice(PRINTABLE) for _ in range(n)) + "\n"
