"""Trust levels, after Discourse: new accounts write within limits that lift with activity.

| level | name    | reached when                                                         | posts/day | comments/day | links/post |
|-------|---------|----------------------------------------------------------------------|-----------|--------------|------------|
| 0     | new     | on sign-up                                                           | 3         | 10           | 2          |
| 1     | basic   | account 1+ day old and 3+ posts or comments                          | 10        | 50           | 10         |
| 2     | member  | account 14+ days old, 20+ posts or comments, 10+ likes received      | 30        | 200          | 30         |
| 3     | regular | account 60+ days old, 100+ posts or comments, 50+ likes received     | 100       | 1000         | 50         |
| 4     | leader  | moderators and admins                                                | no limit  | no limit     | no limit   |

"Per day" is the last 24 hours. Hidden posts and comments do not count towards a level.
"""

import math
from dataclasses import dataclass

LEVEL_NAMES = {0: "new", 1: "basic", 2: "member", 3: "regular", 4: "leader"}
# (minimum account age in days, minimum posts + comments, minimum likes received)
REQUIREMENTS = {1: (1, 3, 0), 2: (14, 20, 10), 3: (60, 100, 50)}
LIMITS = {
    0: {"posts": 3, "comments": 10, "links": 2},
    1: {"posts": 10, "comments": 50, "links": 10},
    2: {"posts": 30, "comments": 200, "links": 30},
    3: {"posts": 100, "comments": 1000, "links": 50},
}


@dataclass(frozen=True)
class Activity:
    account_age_days: float
    contributions: int  # posts + comments, not hidden
    likes_received: int
    is_moderator: bool = False


def trust_level(activity: Activity) -> int:
    if activity.is_moderator:
        return 4
    level = 0
    for candidate in (1, 2, 3):
        age, contributions, likes = REQUIREMENTS[candidate]
        if (activity.account_age_days >= age and activity.contributions >= contributions
                and activity.likes_received >= likes):
            level = candidate
    return level


def limit(level: int, what: str) -> int | None:
    """How many `what` ("posts", "comments", "links") the level allows; None for no limit."""
    return LIMITS[level][what] if level in LIMITS else None


def next_level_needs(activity: Activity) -> dict | None:
    """What is still missing for the next level (for the user's own page), or None at the top."""
    level = trust_level(activity)
    if level + 1 not in REQUIREMENTS:
        return None
    age, contributions, likes = REQUIREMENTS[level + 1]
    return {"level": level + 1, "days": max(0, math.ceil(age - activity.account_age_days)),
            "contributions": max(0, contributions - activity.contributions),
            "likes": max(0, likes - activity.likes_received)}

