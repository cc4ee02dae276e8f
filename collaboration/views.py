"""Pages of the live coding rooms."""

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from challenges.judge_gateway import available_runtimes, judge_status
from challenges.models import Challenge
from core.exceptions import ApplicationError, NotFound

from . import selectors, services
from .models import Role


def _visible_challenge(request, slug: str):
    """A challenge this user may see (public and active, or anything for staff), else None."""
    from challenges.selectors import challenge_get

    try:
        return challenge_get(user=request.user, slug=slug) if slug else None
    except NotFound:
        return None


def _seat_or_404(request, room_id):
    try:
        return selectors.room_for_participant(room_id=room_id, user=request.user, session=request.session)
    except NotFound:
        raise Http404("No such room.")


def _invite_links(request, room):
    return {role: request.build_absolute_uri(
        reverse("room-join", args=[room.id]) + "?t=" + services.invite_token(room=room, role=role))
        for role in (Role.CANDIDATE, Role.OBSERVER)}


@login_required
def room_list(request):
    if request.method == "POST":
        challenge = _visible_challenge(request, request.POST.get("challenge", ""))
        language = request.POST.get("language") or "python"
        if language not in available_runtimes():
            language = "python"
        room = services.room_create(interviewer=request.user, title=request.POST.get("title", ""),
                                    language=language, challenge=challenge)
        return redirect("room-detail", room_id=room.id)
    return render(request, "collaboration/list.html", {
        "rooms": selectors.rooms_of(user=request.user),
        "challenges": Challenge.objects.filter(is_active=True, is_public=True).only("slug", "title"),
        "languages": available_runtimes().values(),
    })


def room_detail(request, room_id):
    room, participant = _seat_or_404(request, room_id)
    if not room.is_open:
        return redirect("room-summary", room_id=room.id)
    interviewer = participant.role == Role.INTERVIEWER
    return render(request, "collaboration/room.html", {
        "room": room, "participant": participant, "interviewer": interviewer,
        "invite_links": _invite_links(request, room) if interviewer else {},
        "challenges": Challenge.objects.filter(is_active=True, is_public=True).only("slug", "title") if interviewer else [],
        "room_data": {
            "id": str(room.id), "language": room.language,
            "languages": [{"id": r.language, "name": r.display_name or r.language} for r in available_runtimes().values()],
            "me": {"id": participant.id, "name": participant.display_name, "color": participant.color,
                   "role": participant.role, "canEdit": participant.can_edit},
            "challenge": selectors.challenge_payload(room.challenge),
            # Back from the Attach form (no live connection then): this page loads the starter.
            "justAttached": interviewer and request.GET.get("attached") == "1" and room.challenge is not None,
            # STUN/TURN for the call (WEBRTC_ICE_SERVERS); empty: direct connections only.
            "iceServers": settings.WEBRTC_ICE_SERVERS,
        },
        "judge": judge_status(),
    })


def room_interviewer_sections(request, room_id):
    """The invite, challenge and private-notes sections for whoever interviews now: a page open
    when a role swap makes its viewer the interviewer fetches them, without a reload. Anyone
    else (the candidate, an observer, a stranger) gets a 404."""
    room, participant = _seat_or_404(request, room_id)
    if participant.role != Role.INTERVIEWER or not room.is_open:
        raise Http404("No such room.")
    return render(request, "collaboration/_interviewer_sections.html", {
        "room": room, "invite_links": _invite_links(request, room),
        "challenges": Challenge.objects.filter(is_active=True, is_public=True).only("slug", "title"),
        "notes": selectors.notes_text(room=room, author_id=participant.user_id) or ""})


def room_join(request, room_id):
    """The invite page. A link that is forged, revoked or for another room gets the same 404 as
    an unknown room: it tells nothing about the room (not even its title or interviewer)."""
    try:
        room = selectors.room_get(room_id=room_id)
    except NotFound:
        raise Http404
    token = request.GET.get("t") or request.POST.get("t", "")
    existing = selectors.participant_for(room=room, user=request.user, session=request.session)
    if existing:
        return redirect("room-detail", room_id=room.id)
    try:
        role = services.invite_read(room=room, token=token)
    except ApplicationError:
        raise Http404("No such room.")
    error = services.RoomClosed().message if not room.is_open else None
    if request.method == "POST" and error is None:
        try:
            participant = services.room_join(room=room, token=token, user=request.user,
                                             guest_name=request.POST.get("guest_name", ""))
        except ApplicationError as exc:
            error = exc.message
        else:
            if participant.user_id is None:
                guests = dict(request.session.get(selectors.GUEST_SESSION_KEY) or {})
                guests[str(room.id)] = participant.id
                request.session[selectors.GUEST_SESSION_KEY] = guests
            return redirect("room-detail", room_id=room.id)
    return render(request, "collaboration/join.html", {"room": room, "role": role, "token": token, "error": error})


@require_POST
def room_revoke(request, room_id):
    room, participant = _seat_or_404(request, room_id)
    try:
        services.room_revoke_invites(room=room, by=participant)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The old invite links no longer work; share the new ones.")
    return redirect("room-detail", room_id=room.id)


@require_POST
def room_attach(request, room_id):
    room, participant = _seat_or_404(request, room_id)
    challenge = _visible_challenge(request, request.POST.get("challenge", ""))
    try:
        services.room_attach_challenge(room=room, by=participant, challenge=challenge)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("room-detail", room_id=room.id)
    return redirect(reverse("room-detail", args=[room.id]) + ("?attached=1" if challenge else ""))


def room_summary(request, room_id):
    room, participant = _seat_or_404(request, room_id)
    summary = selectors.room_summary(room=room, participant=participant)
    return render(request, "collaboration/summary.html", {
        **summary, "room": room, "participant": participant,
        "replay": [{"at": u["at"], "by": u["by"], "update": base64.b64encode(u["update"]).decode()}
                   for u in summary["replay"]],
        "checkpoints": [{"position": c["position"], "update": base64.b64encode(c["update"]).decode()}
                        for c in summary["checkpoints"]],
    })


@login_required
@require_POST
def room_create_for_challenge(request, slug):
    """'Practise this with someone': a room with the challenge attached."""
    challenge = _visible_challenge(request, slug)
    if challenge is None:
        raise Http404
    room = services.room_create(interviewer=request.user, title=f"{challenge.title} — mock interview",
                                challenge=challenge)
    return redirect("room-detail", room_id=room.id)
