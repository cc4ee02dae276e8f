"""The secret-chat page: a shell that static/src/chat/secret_page.js fills in. Everything a person
reads there is decrypted in their browser with their passphrase; the server renders no message."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from core.exceptions import NotFound

from . import secret_selectors, selectors
from .services import user_brief


@login_required
def secret_chat_page(request, chat_id: int | None = None):
    peer = None
    if chat_id is not None:
        try:
            peer = secret_selectors.secret_chat_get_for_user(user=request.user, chat_id=chat_id).peer
        except NotFound:
            raise Http404("No such secret chat.") from None
    data = {"user_id": request.user.id, "username": request.user.username, "chat_id": chat_id,
            "peer": user_brief(peer), "last_event_id": selectors.last_event_id(user_id=request.user.id),
            "start_with": (request.GET.get("with") or "")[:150]}
    return render(request, "chat/secret.html", {"secret_data": data, "peer": peer})
