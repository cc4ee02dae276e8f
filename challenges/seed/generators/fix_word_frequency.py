import random

WORDS = ("the ticket search timeout to e-mail agent ok it password is retry reset cloud we of "
         "upgrade invoice api latency support refund sign-up error login email plan user billing can't "
         "article service won't log-in and account a 404 v2 r2d2").split()
AFTER = ("", "", "", "", ",", ".", "!", "?", ";", ":", ")", "'s")


def help_centre_text(rng: random.Random, *, words: int, per_line: int) -> str:
    """A long text from a small vocabulary in every case, with punctuation, apostrophes, hyphens
    and digits glued to the words."""
    out, line = [], []
    for _ in range(words):
        word = rng.choice(WORDS)
        case = rng.random()
        if case < 0.2:
            word = word.upper()
        elif case < 0.5:
            word = word.capitalize()
        if rng.random() < 0.05:
            word = "(" + word
        line.append(word + rng.choice(AFTER))
        if len(line) >= rng.randint(1, per_line):
            out.append(" ".join(line))
            line = []
    out.append(" ".join(line) or "end")
    return "\n".join(out) + "\n"
