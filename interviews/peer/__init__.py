"""Peer mock interviews: availability, the points ledger, matching and booking, cancellation
rules, blocks and reports, calendar invites, reminders and the room at start time. The rules with
no Django inside are in interviews/engine/peer_schedule.py and peer_calendar.py."""
