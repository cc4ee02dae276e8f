import asyncio

from channels.db import database_sync_to_async

from core.consumers import AuthenticatedJsonConsumer, CloseCode
from core.exceptions import ApplicationError, NotFound

from . import selectors, services
from .engine import ANSWER_MAX_CHARS
from .realtime import interview_group


class InterviewConsumer(AuthenticatedJsonConsumer):
    """`/ws/interviews/<session>/`: one question at a time. On connect the client gets the whole
    session (`interview.state`), so a reconnect misses nothing. The client sends
    `{"type": "answer", "turn": n, "text": "..."}` (or, spoken, `"media": <recording id>`, whose transcript is the answer: any text is ignored); the evaluation comes back as
    `interview.evaluation`, then `interview.question` (the next one) or `interview.finished`,
    to every tab of the session. A bad answer gets `{"type": "error", "code", "message"}` and
    changes nothing. Someone else's session closes with 4403. With a model configured, its answer
    streams meanwhile as `interview.stream` events (interviews/model_stream.py)."""

    # An answer of ANSWER_MAX_CHARS characters, even all multi-byte, fits; beyond that the socket
    # closes (4413), below it a too-long answer gets the service's clear error.
    max_message_bytes = ANSWER_MAX_CHARS * 4 + 1024

    async def connect(self):
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        await super().connect()

    async def groups_for_user(self):
        try:
            await database_sync_to_async(selectors.session_get_for_user)(user=self.user, session_id=self.session_id)
        except NotFound:
            self.forbidden = True
            return []
        return [interview_group(self.session_id)]

    async def on_connected(self):
        if getattr(self, "forbidden", False):
            await self.close(code=CloseCode.FORBIDDEN)
            return
        await self.send_json({"type": "interview.state", "session": await self.state()})

    @database_sync_to_async
    def state(self):
        session = selectors.session_get_for_user(user=self.user, session_id=self.session_id)
        return selectors.session_data(session, selectors.session_turns(session=session))

    def client_handlers(self) -> dict:
        return {**super().client_handlers(), "answer": self.handle_answer, "end": self.handle_end}

    async def handle_answer(self, message):
        turn = message.get("turn")
        text = message.get("text")
        if turn is not None and (not isinstance(turn, int) or isinstance(turn, bool)):
            await self.send_json({"type": "error", "code": "invalid", "message": "`turn` is a number."})
            return
        source = "spoken" if message.get("source") == "spoken" else "typed"
        media = message.get("media")
        if media is not None and (isinstance(media, bool) or not isinstance(media, int)):
            await self.send_json({"type": "error", "code": "invalid", "message": "`media` is a recording's id."})
            return
        seconds = message.get("seconds")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                    or not 0 < seconds <= 3600):
            seconds = None
        # The answer is evaluated beside this consumer's loop, not in it: the loop must keep
        # delivering the group's events (the model's streamed words) while the evaluation runs.
        task = asyncio.ensure_future(self.answer(text=None if media is not None else text, turn=turn, source=source,
                                                 seconds=seconds, media=media))
        self.answering = getattr(self, "answering", set())
        self.answering.add(task)
        task.add_done_callback(self.answering.discard)

    async def answer(self, *, text, turn, source, seconds, media):
        try:
            await database_sync_to_async(services.session_answer)(
                user=self.user, session_id=self.session_id, answer=text, turn_index=turn, source=source,
                seconds=seconds, media_id=media)
        except ApplicationError as error:
            await self.send_json({"type": "error", "code": error.code, "message": error.message,
                                  "details": error.details})

    async def handle_end(self, message):
        try:
            await database_sync_to_async(services.session_end)(user=self.user, session_id=self.session_id)
        except ApplicationError as error:
            await self.send_json({"type": "error", "code": error.code, "message": error.message})
