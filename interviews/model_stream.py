"""The model's answer streamed to the interview's pages while it is written: the pieces of text
(as the AI gateway hands them over) batched at most every STREAM_INTERVAL_SECONDS, each event with
the readable part so far (the question's words, the evaluation's summary) for the page to show.

These events go out at once, not on commit: they describe work in progress, not stored state, and
waiting for the commit would deliver them all at the end. What counts comes after the commit as
`interview.evaluation` / `interview.question`, validated; a stream whose answer was not used ends
with `"used": false` and the page drops what it showed."""

import time

from core.realtime import publish_now

from .engine.partial_json import partial_string_field
from .realtime import interview_group

STREAM_INTERVAL_SECONDS = 0.1


class ModelStream:
    """`on_token` for ai_complete: `{"type": "interview.stream", "task", "turn", "seq", "text",
    "preview"}` to the session's pages; `finish(used=...)` sends the last pieces and `"done": true`."""

    def __init__(self, *, session_id: int, turn: int, task: str, field: str):
        self.group = interview_group(session_id)
        self.turn, self.task, self.field = turn, task, field
        self.written: list[str] = []
        self.pending: list[str] = []
        self.seq = 0
        self.last_sent = 0.0

    def __call__(self, piece: str) -> None:
        self.written.append(piece)
        self.pending.append(piece)
        if time.monotonic() - self.last_sent >= STREAM_INTERVAL_SECONDS:
            self._send()

    def _event(self, **extra) -> dict:
        return {"type": "interview.stream", "task": self.task, "turn": self.turn, "seq": self.seq, **extra}

    def _send(self) -> None:
        if not self.pending:
            return
        preview = partial_string_field("".join(self.written), self.field)
        publish_now(self.group, self._event(text="".join(self.pending), preview=preview or ""))
        self.pending = []
        self.seq += 1
        self.last_sent = time.monotonic()

    def finish(self, *, used: bool) -> None:
        if not self.written:
            return  # nothing was streamed (the offline engine answered): nothing to close
        self._send()
        publish_now(self.group, self._event(done=True, used=used))
        self.seq += 1
