import random


def snake_and_noise(rng: random.Random, *, rows: int, cols: int, snake_rows: int, density: float) -> str:
    """The top part is one island snaking row by row (a recursive flood fill overflows its stack),
    then a water row, then random land."""
    grid = []
    for r in range(snake_rows):
        if r % 2 == 0:
            grid.append("1" * cols)
        elif r % 4 == 1:
            grid.append("0" * (cols - 1) + "1")
        else:
            grid.append("1" + "0" * (cols - 1))
    grid.append("0" * cols)
    for _ in range(rows - snake_rows - 1):
        grid.append("".join("1" if rng.random() < density else "0" for _ in range(cols)))
    return f"{rows} {cols}\n" + "\n".join(grid) + "\n"
