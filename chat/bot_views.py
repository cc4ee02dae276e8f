"""The page where a user manages their bots (/chat/bots/): make one, see its token once, rotate
or revoke it, set its webhook, give it an avatar, and read its delivery log."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, NotFound

from . import bot_selectors, bot_services

DELIVERIES_SHOWN = 20


def _page(request, *, new_token: str = "", new_token_bot=None, errors: dict | None = None, status: int = 200):
    bots = list(bot_selectors.bots_of_owner(owner=request.user))
    errors = errors or {}
    deliveries = bot_selectors.recent_deliveries_by_bot(owner=request.user, per_bot=DELIVERIES_SHOWN)
    rows = [{"bot": bot, "deliveries": deliveries.get(bot.id, []),
             "webhook_error": errors.get(f"webhook-{bot.id}"), "avatar_error": errors.get(f"avatar-{bot.id}")}
            for bot in bots]
    return render(request, "chat/bots.html", {"rows": rows, "new_token": new_token, "new_token_bot": new_token_bot,
                                              "errors": errors, "form": request.POST}, status=status)


def _owned_bot(request, bot_id):
    try:
        return bot_selectors.bot_get_for_owner(owner=request.user, bot_id=bot_id)
    except NotFound:
        raise Http404("No such bot.")


@login_required
def bots_page(request):
    if request.method != "POST":
        return _page(request)
    try:
        bot, token = bot_services.bot_create(owner=request.user, username=request.POST.get("username", ""),
                                             name=request.POST.get("name", ""))
    except ApplicationError as error:
        return _page(request, errors={"create": error.message}, status=400)
    avatar = request.FILES.get("avatar")
    if avatar:
        try:
            bot_services.bot_avatar_set(owner=request.user, bot=bot, upload=avatar)
        except ApplicationError as error:
            flash.error(request, f"The bot was made without an avatar: {error.message}")
    # Rendered, not redirected: the token is in this one answer and stored nowhere.
    return _page(request, new_token=token, new_token_bot=bot)


@login_required
@require_POST
def bot_token_rotate(request, bot_id):
    bot = _owned_bot(request, bot_id)
    token = bot_services.bot_token_rotate(owner=request.user, bot=bot)
    return _page(request, new_token=token, new_token_bot=bot)


@login_required
@require_POST
def bot_token_revoke(request, bot_id):
    bot_services.bot_token_revoke(owner=request.user, bot=_owned_bot(request, bot_id))
    flash.success(request, "The token was revoked: the bot's program can no longer call the API.")
    return redirect("chat-bots")


@login_required
@require_POST
def bot_webhook(request, bot_id):
    bot = _owned_bot(request, bot_id)
    url = (request.POST.get("url") or "").strip()
    try:
        if url:
            bot_services.bot_webhook_set(bot=bot, url=url, new_secret=request.POST.get("new_secret") == "1")
            flash.success(request, "Webhook set: updates are now posted there.")
        else:
            bot_services.bot_webhook_delete(bot=bot)
            flash.success(request, "Webhook removed: updates wait for getUpdates.")
    except ApplicationError as error:
        return _page(request, errors={f"webhook-{bot.id}": error.message}, status=400)
    return redirect("chat-bots")


@login_required
@require_POST
def bot_avatar(request, bot_id):
    bot = _owned_bot(request, bot_id)
    upload = request.FILES.get("avatar")
    if upload is None:
        return _page(request, errors={f"avatar-{bot.id}": "Choose an image."}, status=400)
    try:
        bot_services.bot_avatar_set(owner=request.user, bot=bot, upload=upload)
    except ApplicationError as error:
        return _page(request, errors={f"avatar-{bot.id}": error.message}, status=400)
    flash.success(request, "Avatar updated.")
    return redirect("chat-bots")
