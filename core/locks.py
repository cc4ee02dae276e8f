"""Row locks. Every `SELECT ... FOR UPDATE` in PrepForge goes through `lock_for_update`, called by
the small helpers in each app's `lock_objects.py` (one function per kind of row, as in Saleor).

`of=("self",)`: only rows of the queried table are locked, never the rows a `select_related`
joins in. Without it PostgreSQL also locks the joined user, challenge or resume, and two flows
that reach the same rows in a different order can deadlock.

Lock order. A transaction that holds several row locks takes them in this order, and rows of one
kind by ascending primary key:

  1. collaboration.Room
  2. challenges.Submission
  3. challenges.ChallengeProgress
  4. challenges.Challenge
  4a. challenges.Enrolment, then Playlist (completing a playlist recounts it); ChallengeReview and
      CodeReview are each locked alone, after a Challenge when both are held
  5. resumes.ResumeVersion, then resumes.Roadmap
  5a'. chat.ChatCall (a chat call's row, locked alone, before the event counters its events take)
  5b. core.MediaAsset (a media job's row; an app that locks its own row for a recording takes
      that first)
  5b'. chat.ChatUserState (the messenger's event counters: a media job tells the chat about an
      attachment while it holds the asset; deleting an attachment removes its asset first)
  5c. interviews.InterviewSession, then interviews.Question (its calibration)
  5d. chat.ChatUserState (a message's event counters), then chat.Bot (update counters), then
      chat.WebhookDelivery (locked alone, to record an attempt)
  5e. interviews.PeerSlot, then interviews.PeerBooking, then interviews.PointsAccount (ascending
      user id); opening a booking's room creates a new Room while the booking is held (no one
      else can hold a row that does not exist yet)
  6. accounts.Profile, then accounts.Preferences
  7. accounts.Notification
  8. accounts.Progress: always last, because every domain awards XP (progress_record_event)
     while it still holds its own rows.

SQLite has no row locks (Django leaves FOR UPDATE out there; a write transaction locks the whole
database), so these only matter, and are only tested for deadlocks, on PostgreSQL.
"""

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def lock_for_update(queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` locking its own rows (not joined ones) until the transaction ends. Call it
    inside `transaction.atomic()`."""
    return queryset.select_for_update(of=("self",))
