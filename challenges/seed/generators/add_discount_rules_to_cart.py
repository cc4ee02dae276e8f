import random


def big_cart(rng: random.Random, *, items: int, discounts: int) -> str:
    """Thousands of items (totals beyond 2^31) with promo codes mixed in, some before their item,
    some for items that are not in the cart, some repeated, some unknown."""
    lines = [f"ITEM sku_{i} {rng.randint(100, 20000)} {rng.randint(1, 9)}" for i in range(items)]
    codes = ["SAVE10", "SAVE25", "FLAT5", "save10", "SAVE50"]
    for _ in range(discounts):
        if rng.random() < 0.95:
            codes.append(f"BOGO-sku_{rng.randrange(items + items // 10)}")
    for code in codes:
        lines.insert(rng.randrange(len(lines) + 1), f"DISCOUNT {code}")
    return "\n".join(lines) + "\n"
