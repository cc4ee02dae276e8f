import random


def long_words(rng: random.Random, *, length: int) -> str:
    """A few words of `length` letters (a trie per character is fine, comparing every word with
    every prefix is not), queried with prefixes just shorter, equal, longer and off by one letter."""
    a = "a" * length
    words = [a, a[:-1], a[:50] + "b"]
    rng.shuffle(words)
    queries = ["a", a[:-1], a, a + "a", a[:50] + "b", "ab", "b"]
    return f"{len(words)}\n" + "\n".join(words) + f"\n{len(queries)}\n" + "\n".join(queries) + "\n"


def random_words(rng: random.Random, *, n: int, q: int, longest: int) -> str:
    """Many short words over three letters; prefixes over four letters, so many match nothing."""
    words = ["".join(rng.choice("abc") for _ in range(rng.randint(1, longest))) for _ in range(n)]
    queries = []
    for _ in range(q):
        if rng.random() < 0.3:
            word = rng.choice(words)
            queries.append(word[:rng.randint(1, len(word))])
        else:
            queries.append("".join(rng.choice("abcd") for _ in range(rng.randint(1, 6))))
    return f"{n}\n" + "\n".join(words) + f"\n{q}\n" + "\n".join(queries) + "\n"
