from channels.db import database_sync_to_async

from core.consumers import AuthenticatedJsonConsumer, CloseCode
from core.exceptions import NotFound

from . import selectors, services
from .realtime import submission_group


class SubmissionConsumer(AuthenticatedJsonConsumer):
    """`/ws/submissions/<id>/`: per-test verdicts while a submission is judged. On connect the
    client gets the whole state so far (`submission.state`), so a reconnect misses nothing; then
    `submission.status`, `submission.test` and finally `submission.judged`."""

    async def connect(self):
        self.submission_id = int(self.scope["url_route"]["kwargs"]["submission_id"])
        await super().connect()

    async def groups_for_user(self):
        try:
            await database_sync_to_async(selectors.submission_get_for_user)(
                user=self.user, submission_id=self.submission_id)
        except NotFound:
            self.forbidden = True
            return []
        return [submission_group(self.submission_id)]

    async def on_connected(self):
        if getattr(self, "forbidden", False):
            await self.close(code=CloseCode.FORBIDDEN)
            return
        await self.send_json({"type": "submission.state", "submission": await self.state()})

    @database_sync_to_async
    def state(self):
        submission = selectors.submission_get_for_user(user=self.user, submission_id=self.submission_id)
        return services.submission_summary(submission)
