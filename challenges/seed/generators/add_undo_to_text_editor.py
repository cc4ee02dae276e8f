import random


def random_session(rng: random.Random, *, commands: int, alphabet: str) -> str:
    """Every command mixed at random on a small document, over a few letters."""
    lines = []
    for _ in range(commands):
        kind = rng.random()
        if kind < 0.3:
            lines.append("APPEND " + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))))
        elif kind < 0.5:
            lines.append(f"DELETE {rng.randint(1, 9)}")
        elif kind < 0.75:
            lines.append("UNDO")
        elif kind < 0.8:
            lines.append("PRINT")
        elif kind < 0.9:
            lines.append("LENGTH")
        else:
            lines.append(f"TAIL {rng.randint(1, 9)}")
    return f"{commands}\n" + "\n".join(lines) + "\n"


def big_document(rng: random.Random, *, length: int, edits: int) -> str:
    """One huge APPEND, then thousands of small DELETEs each undone: a full copy of the document
    per edit does not fit in memory, and copying it each time is too slow."""
    lines = ["APPEND " + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length))]
    pending = 0
    for i in range(edits):
        lines.append(f"DELETE {rng.randint(1, 3)}")
        pending += 1
        if rng.random() < 0.03:
            lines.append("TAIL 12")
        if i % 250 == 0:
            lines.append("LENGTH")
        if pending > 1 and rng.random() < 0.5:
            undo = rng.randint(1, pending)
            lines += ["UNDO"] * undo
            pending -= undo
    lines += ["UNDO"] * pending
    lines += ["LENGTH", "TAIL 20", "APPEND zz", "LENGTH", "TAIL 20", "UNDO", "UNDO", "LENGTH", "TAIL 20"]
    return f"{len(lines)}\n" + "\n".join(lines) + "\n"
