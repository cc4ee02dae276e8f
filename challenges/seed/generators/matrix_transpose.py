import random


def random_matrix(rng: random.Random, *, rows: int, cols: int, bound: int) -> str:
    lines = [f"{rows} {cols}"]
    lines += [" ".join(str(rng.randint(-bound, bound)) for _ in range(cols)) for _ in range(rows)]
    return "\n".join(lines) + "\n"
