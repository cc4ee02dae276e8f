"""Test-input generators for the seeded challenges: one module per challenge, named after its slug
(`two-sum` -> `two_sum.py`). Each generator is `name(rng, **args) -> str`: it returns one test's
standard input, made only from `rng` (a `random.Random(seed)`) and its arguments, so the same seed
always gives the same input. Expected outputs are not made here: the loader runs the challenge's
reference solution on each input through the judge (see ../README.md)."""
