import random

WORDS = "pen blue chair desk lamp pro max mug red mini oak steel".split()


def catalogue(rng: random.Random, *, n: int, q: int) -> str:
    """A large catalogue and page queries of common sizes: first, middle, last, one past the last
    and far-out pages."""
    lines = [str(n)] + [f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}" for i in range(n)]
    lines.append(str(q))
    for _ in range(q):
        size = rng.choice((1, 5, 10, 20, 25, 50, 100))
        pages = -(-n // size)
        kind = rng.random()
        if kind < 0.8:
            page = rng.randint(1, pages)
        elif kind < 0.9:
            page = rng.choice((1, pages, pages + 1))
        else:
            page = rng.randint(pages + 1, 10**9)
        lines.append(f"{page} {size}")
    return "\n".join(lines) + "\n"
