import random
import string


def top_of_range(rng: random.Random, *, count: int, rules: int, big_divisors: list[int]) -> str:
    """The last `count` numbers up to 10^12 (no 32-bit integers), small random rules (some share a
    divisor) and a few divisors near a million."""
    high = 10**12
    low = high - count + 1
    lines = [f"{low} {high} {rules}"]
    small = rules - len(big_divisors)
    for _ in range(small):
        word = "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(3, 8)))
        lines.append(f"{rng.randint(2, 40)} {word}")
    names = ("Mega", "Prime", "Giga", "Tera")[:len(big_divisors)]
    lines += [f"{d} {word}" for d, word in zip(big_divisors, names, strict=True)]
    return "\n".join(lines) + "\n"
