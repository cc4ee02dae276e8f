"""Analytics benchmarks (issue 15), each printed as a ratio against a reference measured in the
same run on the same database. Meant for PostgreSQL (`DATABASE_URL`); on SQLite they run too,
and say so. Timings are printed with their verdict against the issue's target, not asserted (the
machine is shared); what is asserted is that the figures are right. Each timed read also prints
its slowest queries, so a miss says where the time went.

1. Aggregating a day of 1,000,000 events into the daily totals (target: under 60 s on 2 cores),
   against the floor of any aggregation: one `SELECT verb, COUNT(*) ... GROUP BY verb` over the
   same day's rows.
2. The dashboard of a user with 10,000 events (a year of judged submissions, XP and log events,
   aggregated): p95 of `dashboard_get` for a year (target: under 200 ms), against reading the
   user's year of aggregate rows in raw SQL.
3. The staff platform overview over 10,000 users with 30 days of event totals and a busy today
   (20,000 events, counted live): p95 of `platform_overview` (target: under 500 ms), against
   counting the users, reading the totals and grouping today's events in raw SQL.
"""

import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from analytics.event_log import VERBS, event_totals_aggregate
from analytics.models import (
    ChallengeDays,
    DailyActivity,
    DailyPlatformActivity,
    DailyTypeActivity,
    DailyVerbTotal,
    Event,
)
from analytics.selectors import dashboard_get, platform_overview
from analytics.services import daily_activity_aggregate
from challenges.models import Challenge, Submission
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY_EVENTS = int(os.environ.get("BENCH_DAY_EVENTS", 1_000_000))
USER_EVENTS = 10_000
USERS = 10_000
ROUNDS = 30


def p95_ms(samples):
    return statistics.quantiles(samples, n=20)[-1] * 1000


def timed(fn, rounds=ROUNDS):
    fn()  # warm the connection and caches
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def analyse(*tables):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def slowest(fn, n=3):
    """Print where the time goes: the slowest queries of one call, and the Python time around them."""
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        fn()
    total = time.perf_counter() - started
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    in_sql = sum(float(q["time"]) for q in queries)
    print(f"\n[analytics bench]   {len(queries)} queries, {in_sql * 1000:.0f} ms in SQL of {total * 1000:.0f} ms")
    for query in queries[:n]:
        print(f"[analytics bench]   {float(query['time']) * 1000:.0f} ms: {query['sql'][:160]}")


def report(title, figure, reference, target, unit):
    verdict = "meets" if figure < target else "MISSES"
    print(f"\n[analytics bench] {title} ({connection.vendor}): {figure:.1f} {unit}; "
          f"reference {reference:.1f} {unit}; ratio {figure / max(reference, 1e-9):.1f}x; "
          f"{verdict} the target of under {target} {unit}")


def _insert_events(day, count: int, actors: list[int]):
    """`count` events on `day` in one INSERT ... SELECT (generated in the database)."""
    table = Event._meta.db_table
    verbs = list(VERBS)
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    day_param = connection.ops.adapt_datefield_value(day)
    at_param = connection.ops.adapt_datetimefield_value(at)
    verb_case = "CASE " + " ".join(f"WHEN n %% {len(verbs)} = {i} THEN '{v}'" for i, v in enumerate(verbs)) + " END"
    actor_case = "CASE " + " ".join(f"WHEN n %% {len(actors)} = {i} THEN {a}" for i, a in enumerate(actors)) + " END"
    if connection.vendor == "postgresql":
        source = f"SELECT n FROM generate_series(1, {count}) AS s(n)"
    else:
        source = (f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) "
                  f"SELECT n FROM s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (actor_id, anonymous_actor, verb, object_type, object_id, value, occurred_at, day) "
            f"SELECT {actor_case}, '', {verb_case}, 'bench.row', CAST(n AS VARCHAR(20)), n %% 100, %s, %s "
            f"FROM ({source}) AS generated", [at_param, day_param])


def test_aggregating_a_day_of_a_million_events():
    actors = [UserFactory().id for _ in range(20)]
    day = timezone.now().date() - timedelta(days=1)
    started = time.perf_counter()
    _insert_events(day, DAY_EVENTS, actors)
    _insert_events(day - timedelta(days=1), DAY_EVENTS // 10, actors)  # a neighbour day, not read
    print(f"\n[analytics bench] inserted {DAY_EVENTS:,} events in {time.perf_counter() - started:.1f} s")
    analyse(Event._meta.db_table)
    param = connection.ops.adapt_datefield_value(day)

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT verb, COUNT(*) FROM {Event._meta.db_table} WHERE day = %s GROUP BY verb", [param])
            return cursor.fetchall()

    reference()  # warm
    started = time.perf_counter()
    reference()
    floor = time.perf_counter() - started
    started = time.perf_counter()
    written = event_totals_aggregate(day=day)
    took = time.perf_counter() - started
    again_started = time.perf_counter()
    assert event_totals_aggregate(day=day) == written == len(VERBS)
    again = time.perf_counter() - again_started
    assert sum(DailyVerbTotal.objects.filter(day=day).values_list("events", flat=True)) == DAY_EVENTS
    report(f"aggregate a day of {DAY_EVENTS:,} events", took, floor, 60, "s")
    print(f"[analytics bench] re-running the same day: {again:.1f} s (same totals)")


def test_the_dashboard_of_a_user_with_ten_thousand_events():
    user = UserFactory()
    today = timezone.now().date()
    rng = random.Random(15)
    challenges = [Challenge.objects.create(slug=f"bench-{i}", title=f"Bench {i}", description="-",
                                           type=("dsa", "bug-fix", "feature")[i % 3],
                                           difficulty=("easy", "medium", "hard")[i % 3], category="dp",
                                           tags=["dynamic-programming"], statement="-", starter_code={"python": ""})
                  for i in range(30)]
    now = timezone.now()
    submissions = []
    for i in range(USER_EVENTS // 2):
        when = now - timedelta(days=rng.randrange(1, 365), minutes=rng.randrange(0, 1440))
        accepted = rng.random() < 0.5
        submissions.append(Submission(user=user, challenge=challenges[i % 30], language="python", source="-",
                                      status="done", verdict="AC" if accepted else "WA",
                                      percent=100.0 if accepted else 40.0, passed=1, total=1,
                                      time_spent_seconds=rng.randrange(60, 7200), judged_at=when))
    Submission.objects.bulk_create(submissions, batch_size=2000)
    Submission.objects.filter(user=user).update(created_at=F("judged_at"))  # as if made when judged
    Event.objects.bulk_create([Event(actor=user, verb=rng.choice(VERBS), value=1,
                                     occurred_at=now - timedelta(days=d), day=today - timedelta(days=d))
                               for d in (rng.randrange(0, 365) for _ in range(USER_EVENTS // 2))], batch_size=2000)
    for back in range(1, 366):
        daily_activity_aggregate(day=today - timedelta(days=back), user_ids=[user.id])
        event_totals_aggregate(day=today - timedelta(days=back))
    analyse(DailyActivity._meta.db_table, DailyTypeActivity._meta.db_table, ChallengeDays._meta.db_table,
            Submission._meta.db_table, Event._meta.db_table)
    assert DailyActivity.objects.filter(user=user).count() > 300

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT day, submissions, solved, xp, time_spent_seconds FROM "
                           f"{DailyActivity._meta.db_table} WHERE user_id = %s AND day >= %s ORDER BY day",
                           [user.id, connection.ops.adapt_datefield_value(today - timedelta(days=365))])
            return cursor.fetchall()

    floor = p95_ms(timed(reference))
    figure = p95_ms(timed(lambda: dashboard_get(user=user, range_key="365d")))
    slowest(lambda: dashboard_get(user=user, range_key="365d"))
    report(f"dashboard p95, a user with {USER_EVENTS:,} events, a year", figure, floor, 200, "ms")


def test_the_platform_overview_over_ten_thousand_users():
    stamp = timezone.now()
    User.objects.bulk_create([User(username=f"bench{i}", email=f"bench{i}@example.com", password="!",
                                   date_joined=stamp - timedelta(days=i % 400)) for i in range(USERS)],
                             batch_size=2000)
    ids = list(User.objects.values_list("id", flat=True))
    today = timezone.now().date()
    rng = random.Random(15)
    # Today's events are counted live: two per member so far.
    Event.objects.bulk_create([Event(actor_id=uid, verb=VERBS[i % len(VERBS)], occurred_at=stamp, day=today)
                               for i, uid in enumerate(ids * 2)], batch_size=5000)
    DailyVerbTotal.objects.bulk_create([DailyVerbTotal(day=today - timedelta(days=back), verb=verb,
                                                       events=rng.randrange(10, 1000), actors=10)
                                        for back in range(1, 31) for verb in VERBS])
    DailyPlatformActivity.objects.bulk_create([DailyPlatformActivity(day=today - timedelta(days=back),
                                                                     actors=rng.randrange(100, 2000), events=5000)
                                               for back in range(1, 31)])
    analyse(Event._meta.db_table, User._meta.db_table, DailyVerbTotal._meta.db_table)
    print(f"\n[analytics bench] {len(ids):,} users, {len(ids) * 2:,} events today")
    start = connection.ops.adapt_datefield_value(today - timedelta(days=29))

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {User._meta.db_table}")
            cursor.fetchall()
            cursor.execute(f"SELECT day, verb, events FROM {DailyVerbTotal._meta.db_table} WHERE day >= %s", [start])
            cursor.fetchall()
            cursor.execute(f"SELECT verb, COUNT(*), COUNT(DISTINCT actor_id) FROM {Event._meta.db_table} "
                           f"WHERE day = %s GROUP BY verb", [connection.ops.adapt_datefield_value(today)])
            return cursor.fetchall()

    floor = p95_ms(timed(reference, rounds=15))
    figure = p95_ms(timed(lambda: platform_overview(days=30), rounds=15))
    slowest(lambda: platform_overview(days=30))
    report(f"platform overview p95 over {len(ids):,} users", figure, floor, 500, "ms")
