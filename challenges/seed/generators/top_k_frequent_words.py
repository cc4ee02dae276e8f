import random
import string


def _vocabulary(rng: random.Random, size: int, longest: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, longest))))
    return sorted(words)


def _text(rng: random.Random, words: list[str], per_line: int) -> str:
    return "\n".join(" ".join(words[i:i + per_line]) for i in range(0, len(words), per_line))


def skewed(rng: random.Random, *, n: int, k: int, vocabulary: int, per_line: int) -> str:
    """Zipf-like counts: a few very frequent words, a long tail with many equal counts."""
    vocab = _vocabulary(rng, vocabulary, 8)
    rng.shuffle(vocab)
    weights = [1 / (rank + 1) for rank in range(vocabulary)]
    words = rng.choices(vocab, weights=weights, k=n)
    return f"{n} {k}\n{_text(rng, words, per_line)}\n"


def flat(rng: random.Random, *, n: int, k: int, vocabulary: int, per_line: int) -> str:
    """Nearly uniform counts: the answer is decided by the alphabetical tie-break."""
    vocab = _vocabulary(rng, vocabulary, 4)
    words = [rng.choice(vocab) for _ in range(n)]
    return f"{n} {k}\n{_text(rng, words, per_line)}\n"
