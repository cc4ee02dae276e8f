import random


def random_strings(rng: random.Random, *, length_a: int, length_b: int, alphabet: str, costs: list[int]) -> str:
    """Two long strings (the full 2000 x 2000 table)."""
    a = "".join(rng.choice(alphabet) for _ in range(length_a))
    b = "".join(rng.choice(alphabet) for _ in range(length_b))
    return f"{' '.join(map(str, costs))}\n{a}\n{b}\n"
