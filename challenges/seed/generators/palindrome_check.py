import random
import string

ALNUM = string.ascii_letters + string.digits
NOISE = " .,;:!?'-"


def long_lines(rng: random.Random, *, length: int) -> str:
    """Two long lines with punctuation and mixed case: a palindrome, and the same with one
    character changed in the middle."""
    half = [rng.choice(ALNUM) for _ in range(length // 4)]
    core = half + [rng.choice(ALNUM)] + half[::-1]
    noisy = []
    for c in core:
        noisy.append(c.swapcase() if rng.random() < 0.5 else c)
        if rng.random() < 0.6:
            noisy.append(rng.choice(NOISE))
    broken = noisy[:]
    middle = next(i for i in range(len(broken) // 2, len(broken)) if broken[i].isalnum())
    broken[middle] = "Z" if broken[middle].lower() != "z" else "Q"
    return f"2\n{''.join(noisy)}\n{''.join(broken)}\n"
