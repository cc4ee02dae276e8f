"""The messenger's pages: the chat list with one conversation, search, and the forms that start
chats. Messages are sent, edited and reacted to through the JSON API by static/src/chat.js; live
events come over /ws/chat/."""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from core.exceptions import ApplicationError, NotFound
from core.query_params import parse_int

from . import apis, selectors, services
from .models import ChatKind, InviteLink

HISTORY_PAGE = 50


def _sidebar(request, query: str = "") -> dict:
    archived = request.GET.get("archived") == "1"
    rows = list(selectors.chat_list_for_user(user=request.user, archived=archived, query=query)[:200])
    return {"chats": [apis.ChatOutput(m).data for m in rows], "showing_archived": archived, "chat_query": query}


@login_required
def chat_home(request):
    query = (request.GET.get("q") or "")[:100]
    context = {**_sidebar(request, query), "people": selectors.people_search(user=request.user, query=query),
               "channels": selectors.public_channels_search(query=query) if query else []}
    if request.htmx and request.GET.get("partial") == "list":
        return render(request, "chat/partials/sidebar_results.html", context)
    return render(request, "chat/home.html", context)


def _history(request, chat, around: int | None) -> list[dict]:
    rows = selectors.chat_messages_for_user(user=request.user, chat=chat)
    if around:
        older = list(rows.filter(id__lte=around)[:HISTORY_PAGE // 2])
        newer = list(rows.filter(id__gt=around).order_by("id")[:HISTORY_PAGE // 2])
        page = sorted(older + newer, key=lambda m: m.id)
    else:
        page = list(rows[:HISTORY_PAGE])[::-1]
    context = {"chat": chat, "states": selectors.read_states(chat=chat), "viewer_id": request.user.id}
    return apis.MessageOutput(page, many=True, context=context).data


@login_required
def chat_detail(request, chat_id):
    try:
        chat, membership = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
    except NotFound:
        raise Http404("No such chat.")
    around = parse_int(request.GET.get("around"))
    states = selectors.read_states(chat=chat)
    members = list(selectors.chat_members(chat=chat)[:200])
    other = next((m.user for m in members if m.user_id != request.user.id), None) if chat.kind == ChatKind.PRIVATE else None
    presence = selectors.presence_of(user_ids=[other.id])[other.id] if other else None
    can_post = chat.kind != ChatKind.CHANNEL or membership.is_admin
    context = {
        **_sidebar(request), "chat": chat, "membership": membership, "members": members, "other": other,
        "presence": presence, "can_post": can_post,
        "can_call": chat.kind != ChatKind.CHANNEL and 1 < len(members) <= settings.CHAT_CALL_MAX_PEOPLE,
        "title": other.display_name if other else chat.title,
        "invite_links": InviteLink.objects.filter(chat=chat, revoked_at__isnull=True).order_by("-id")[:5]
        if membership.is_admin and chat.kind != ChatKind.PRIVATE else [],
        "chat_data": {
            "chat_id": chat.id, "kind": chat.kind, "user_id": request.user.id, "username": request.user.username,
            "last_event_id": selectors.last_event_id(user_id=request.user.id),
            "messages": _history(request, chat, around), "around": around,
            "reads": {str(uid): read for uid, read, _ in states},
            "delivered": {str(uid): delivered for uid, _, delivered in states},
            "is_admin": membership.is_admin, "can_post": can_post,
            "member_names": {str(m.user_id): m.user.display_name for m in members},
            # For the browser notifications of a background tab (static/src/chat.js).
            "title": other.display_name if other else chat.title, "muted": membership.muted,
        },
    }
    return render(request, "chat/home.html", context)


@login_required
def chat_search(request):
    query = apis.MessageSearchQuery(data=request.GET)
    hits, searched = [], False
    if query.is_valid() and any(query.validated_data.get(k) for k in ("q", "sender", "hashtag", "chat")):
        hits, searched = apis.search_hits(request.user, query.validated_data), True
    return render(request, "chat/search.html", {"hits": hits, "searched": searched, "form": request.GET,
                                                "errors": query.errors if not query.is_valid() else {}})


@login_required
@require_POST
def chat_with(request, username):
    other = User.objects.filter(username=username, is_active=True).first()
    if other is None:
        raise Http404("No such user.")
    try:
        chat = services.chat_private_open(user=request.user, other=other)
    except ApplicationError as error:
        flash.error(request, error.message)
        return redirect("chat-home")
    return redirect("chat-detail", chat_id=chat.id)


@login_required
@require_POST
def chat_new(request):
    names = [n.strip().lstrip("@") for n in request.POST.get("members", "").replace(",", " ").split() if n.strip()]
    members = list(User.objects.filter(username__in=names[:services.MAX_GROUP_MEMBERS], is_active=True))
    try:
        chat = services.chat_create(owner=request.user, kind=request.POST.get("kind", "group"),
                                    title=request.POST.get("title", ""), description=request.POST.get("description", ""),
                                    is_public=request.POST.get("is_public") == "on", members=members)
    except ApplicationError as error:
        flash.error(request, error.message)
        return redirect("chat-home")
    missing = sorted(set(names) - {m.username for m in members})
    if missing:
        flash.warning(request, "No such user: " + ", ".join(missing))
    return redirect("chat-detail", chat_id=chat.id)


@login_required
def chat_invite(request, token):
    """GET shows what the link joins; POST joins (a GET never writes)."""
    link = InviteLink.objects.select_related("chat").filter(token=token, revoked_at__isnull=True).first()
    if link is None:
        raise Http404("This invite link is not valid (it may have been revoked).")
    if request.method == "POST":
        chat = services.chat_join_by_invite(user=request.user, token=token)
        return redirect("chat-detail", chat_id=chat.id)
    return render(request, "chat/invite.html", {"link": link, "chat": link.chat})


@login_required
@require_POST
def chat_join_public(request, chat_id):
    try:
        chat = selectors.public_channel_get(chat_id=chat_id)
        services.chat_join(user=request.user, chat=chat)
    except NotFound:
        raise Http404("No such chat.")
    except ApplicationError:
        pass  # already a member
    return redirect("chat-detail", chat_id=chat_id)


@login_required
@require_POST
def chat_invite_create(request, chat_id):
    try:
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        services.invite_link_create(actor=request.user, chat=chat)
    except NotFound:
        raise Http404("No such chat.")
    except ApplicationError as error:
        flash.error(request, error.message)
    return redirect("chat-detail", chat_id=chat_id)


@login_required
@require_POST
def chat_invite_revoke(request, chat_id, link_id):
    try:
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        link = InviteLink.objects.select_related("chat").filter(id=link_id, chat=chat).first()
        if link is None:
            raise NotFound()
        services.invite_link_revoke(actor=request.user, link=link)
    except NotFound:
        raise Http404("No such link.")
    except ApplicationError as error:
        flash.error(request, error.message)
    return redirect("chat-detail", chat_id=chat_id)
