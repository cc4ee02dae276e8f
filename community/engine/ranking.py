"""Trending order: Reddit's "hot" rank, a documented time-decay formula.

    hot = log10(1 + points) + (created - EPOCH) / 45000

with points = likes + comments (Reddit uses log10(max(points, 1)); the 1 + makes a first like count). Every 45,000 seconds (12.5 hours) of age are worth a factor of
ten in points: a post needs ten times the points of one 12.5 hours younger to rank beside it.
Unlike Hacker News' points / (age + 2)^1.8 the score of a post does not change as time passes
(newer posts simply start higher), so it is stored on the row and indexed, recomputed only when
its points change, and the trending feed is an index scan however many posts there are.
"""

import math
from datetime import datetime

EPOCH = 1_700_000_000  # 2023-11-14; any fixed moment works, it only shifts every score alike
DECAY_SECONDS = 45_000


def points(*, likes: int, comments: int) -> int:
    return max(0, likes) + max(0, comments)


def hot_score(*, likes: int, comments: int, created: datetime) -> float:
    order = math.log10(1 + points(likes=likes, comments=comments))
    return round(order + (created.timestamp() - EPOCH) / DECAY_SECONDS, 7)
