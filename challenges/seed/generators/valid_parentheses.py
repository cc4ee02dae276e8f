import random

PAIRS = ("()", "[]", "{}")
OTHER = "".join(chr(c) for c in range(33, 127) if chr(c) not in "()[]{}")


def _balanced(rng: random.Random, length: int, noise: float) -> str:
    out, stack = [], []
    while len(out) < length:
        left = length - len(out)
        if rng.random() < noise:
            out.append(rng.choice(OTHER))
        elif stack and (left <= len(stack) or rng.random() < 0.5):
            out.append(stack.pop())
        else:
            pair = rng.choice(PAIRS)
            out.append(pair[0])
            stack.append(pair[1])
    out.extend(reversed(stack))
    return "".join(out)


def deep_nesting(rng: random.Random, *, depth: int) -> str:
    """Three fragments nested `depth` deep (a recursive checker overflows its stack): balanced, one
    bracket of the wrong type in the middle, and never closed."""
    opens = [rng.choice(PAIRS) for _ in range(depth)]
    balanced = "".join(p[0] for p in opens) + "".join(p[1] for p in reversed(opens))
    wrong = list(balanced)
    middle = depth + depth // 2
    wrong[middle] = {")": "]", "]": "}", "}": ")"}[wrong[middle]]
    unclosed = "".join(p[0] for p in opens)
    return f"3\n{balanced}\n{''.join(wrong)}\n{unclosed}\n"


def mixed_fragments(rng: random.Random, *, t: int, length: int) -> str:
    """Fragments with code-like noise; about a third stay balanced, the rest get one defect."""
    lines = []
    for _ in range(t):
        fragment = list(_balanced(rng, rng.randint(length // 2, length), noise=0.25))
        if rng.random() < 0.65:
            spot = rng.randrange(len(fragment))
            fragment.insert(spot, rng.choice(")]}([{"))
        lines.append("".join(fragment))
    return f"{t}\n" + "\n".join(lines) + "\n"
