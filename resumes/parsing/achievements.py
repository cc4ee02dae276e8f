"""Quantified achievements: lines that tie a number to a result."""

import re
from dataclasses import dataclass

from .dates import RANGE

QUANTITY = re.compile(
    r"(\$\s?\d[\d,.]*\s?[kmb]?|\d[\d,.]*\s?%|\d[\d,.]*\s?(?:x|times)\b|\b\d[\d,.]*\+?\s?(?:k|m|million|billion|thousand)?\s?"
    r"(?:users|customers|requests|transactions|engineers|people|services|countries|clients|downloads|orders|records|"
    r"teams|members|ms|seconds|hours|days|qps|rps|tps)\b)", re.I)
RESULT_VERBS = ("increased", "reduced", "decreased", "improved", "cut", "grew", "saved", "boosted", "raised",
                "accelerated", "lowered", "doubled", "tripled", "scaled", "generated", "delivered", "led", "built",
                "launched", "migrated", "automated", "optimized", "optimised", "handled", "served", "managed")
SCALE_WORDS = ("million", "billion", "thousand", "millions", "thousands")
@dataclass
class Achievement:
    text: str
    quantities: list[str]
    line: int


def extract_achievements(lines: list[str]) -> list[Achievement]:
    """Lines that tie a number (percent, money, multiple, scale) to a result."""
    found = []
    for index, line in enumerate(lines):
        stripped = line.strip().lstrip("-•*·– ")
        if not stripped or RANGE.search(stripped) and len(stripped) < 60:
            continue
        quantities = [m.group(0).strip() for m in QUANTITY.finditer(stripped)]
        lower = stripped.lower()
        has_result = any(re.search(rf"\b{verb}\b", lower) for verb in RESULT_VERBS)
        has_scale = any(word in lower for word in SCALE_WORDS)
        if quantities and (has_result or has_scale):
            found.append(Achievement(stripped, quantities, index))
    return found
