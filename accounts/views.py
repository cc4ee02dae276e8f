"""Pages of the accounts domain: parse, call a selector or a service, render."""

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, NotFound
from core.markdown import render_markdown
from core.roles import ADMIN, MODERATOR, role_required

from . import selectors, services
from .forms import AnnouncementForm, AvatarForm, PreferencesForm, ProfileForm
from .models import Preferences


def _apply_error(form, error: ApplicationError):
    """Show a service's error on the form: field errors where it names fields, else at the top."""
    placed = False
    for field, problems in (error.details or {}).items():
        for problem in problems if isinstance(problems, list) else [problems]:
            form.add_error(field if field in form.fields else None, str(problem))
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _submit(request, form, action, success: str, next_url: str):
    """Hand a valid form's data to a service; flash and redirect on success, or put the
    service's error on the form and return None so that the page renders again."""
    try:
        action(form.cleaned_data)
    except ApplicationError as error:
        _apply_error(form, error)
        return None
    messages.success(request, success)
    return redirect(next_url)


def home(request):
    if not request.user.is_authenticated:
        return render(request, "accounts/landing.html")
    user = request.user
    context = {
        "summary": selectors.progress_summary(user=user),
        "notifications": selectors.notification_list(user=user)[:8],
        "recent_achievements": selectors.achievements_recent(user=user),
        "activity": selectors.activity_days(user=user, days=84),
        "profile": user.profile,
        "start": selectors.home_start(user=user),
    }
    return render(request, "accounts/home.html", context)


@login_required
def profile_edit(request):
    profile = request.user.profile
    initial = {
        "name": request.user.name, "headline": profile.headline, "bio": profile.bio,
        "location": profile.location, "website": profile.website,
        "github_username": profile.github_username, "linkedin_url": profile.linkedin_url,
        "skills": ", ".join(profile.skills), "experience_level": profile.experience_level,
        "years_of_experience": profile.years_of_experience,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    avatar_form = AvatarForm()
    if request.method == "POST" and form.is_valid():
        done = _submit(request, form, lambda data: services.profile_update(user=request.user, data=data),
                       "Profile saved.", "profile-edit")
        if done:
            return done
    return render(request, "accounts/profile_edit.html",
                  {"form": form, "avatar_form": avatar_form, "profile": profile})


@login_required
@require_POST
def avatar_upload(request):
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        done = _submit(request, form,
                       lambda data: services.profile_avatar_set(user=request.user, upload=data["avatar"]),
                       "Avatar updated.", "profile-edit")
        if done:
            return done
    profile_form = ProfileForm(initial={"name": request.user.name})
    return render(request, "accounts/profile_edit.html",
                  {"form": profile_form, "avatar_form": form, "profile": request.user.profile}, status=400)


@login_required
def preferences_edit(request):
    prefs = request.user.preferences
    form = PreferencesForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        done = _submit(request, form, lambda data: services.preferences_update(user=request.user, data=data),
                       "Preferences saved.", "preferences-edit")
        if done:
            return done
    # The form wrote its input into the instance: the page around it shows what is stored.
    request.user.preferences = selectors.user_row(Preferences, request.user)
    return render(request, "accounts/preferences_edit.html",
                  {"form": form, "timezones": sorted(zoneinfo.available_timezones())})


def profile_public(request, username: str):
    person = _person_or_404(request, username)
    is_self = request.user.is_authenticated and request.user.id == person.id
    context = {
        "person": person,
        "is_self": is_self,
        "bio_html": render_markdown(person.profile.bio),
        "stats_visible": selectors.public_stats_visible(viewer=request.user, user=person),
        "activity_visible": selectors.public_activity_visible(viewer=request.user, user=person),
    }
    if context["stats_visible"]:
        context["summary"] = selectors.progress_summary(user=person)
        context["recent_achievements"] = selectors.achievements_recent(user=person, limit=12)
    if context["activity_visible"]:
        context["activity"] = selectors.activity_days(user=person, days=84)
    return render(request, "accounts/profile_public.html", context)


def _people_page(request, people, title, person=None):
    page = Paginator(people, 24).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "title": title, "person": person,
                                                    "query": request.GET.get("q", "")})


def people(request):
    return _people_page(request, selectors.people_search(viewer=request.user, query=request.GET.get("q", "").strip()[:60]),
                        "People")


def _person_or_404(request, username: str):
    try:
        return selectors.user_get_public(viewer=request.user, username=username)
    except NotFound:
        raise Http404("No such user.")


def followers(request, username: str):
    person = _person_or_404(request, username)
    return _people_page(request, selectors.followers_of(viewer=request.user, user=person),
                        f"Followers of {person.display_name}", person)


def following(request, username: str):
    person = _person_or_404(request, username)
    return _people_page(request, selectors.following_of(viewer=request.user, user=person),
                        f"People {person.display_name} follows", person)


@login_required
@require_POST
def follow_toggle(request, username: str):
    unfollow = request.POST.get("action") == "unfollow"
    try:
        target = (selectors.user_get_to_unfollow(viewer=request.user, username=username) if unfollow
                  else selectors.user_get_public(viewer=request.user, username=username))
    except NotFound:
        raise Http404("No such user.")
    try:
        if unfollow:
            services.follow_delete(follower=request.user, following=target)
            messages.info(request, f"You no longer follow {target.display_name}.")
        else:
            services.follow_create(follower=request.user, following=target)
            messages.success(request, f"You now follow {target.display_name}.")
    except ApplicationError as error:
        messages.error(request, error.message)
    if request.htmx:
        try:
            person = selectors.user_get_public(viewer=request.user, username=username)
        except NotFound:  # unfollowed a private profile: nothing more to show of it
            from django.http import HttpResponse

            return HttpResponse("")
        return render(request, "accounts/partials/follow_button.html", {"person": person})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = f"/u/{target.username}/"  # never off-site
    return redirect(next_url)


@login_required
def notifications(request):
    unread_only = request.GET.get("filter") == "unread"
    page = Paginator(selectors.notification_list(user=request.user, unread_only=unread_only), 25).get_page(
        request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_read(request, notification_id: int):
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404
    if request.htmx:
        return render(request, "accounts/partials/notification_item.html", {"n": notification})
    if request.POST.get("open") and notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notification_delete(request, notification_id: int):
    try:
        services.notification_delete(user=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404
    if request.htmx:
        from django.http import HttpResponse

        return HttpResponse("")
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request):
    marked = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    return redirect("notifications")


@login_required
def achievements(request):
    board = selectors.achievement_board(user=request.user)
    return render(request, "accounts/achievements.html", {
        "board": board, "summary": selectors.progress_summary(user=request.user),
    })


@role_required(MODERATOR)
def staff_overview(request):
    return render(request, "accounts/staff_overview.html", {"overview": selectors.staff_overview()})


@role_required(ADMIN)
def staff_announce(request):
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _submit(request, form,
                       lambda data: services.announcement_broadcast(sender=request.user, **data),
                       "Announcement queued for every active user.", "staff-overview")
        if done:
            return done
    return render(request, "accounts/staff_announce.html", {"form": form})


@login_required
def account_delete(request):
    """Says what deleting the account removes and what it keeps, then deletes it on confirmation."""
    error = None
    if request.method == "POST":
        try:
            services.account_delete(user=request.user, password=request.POST.get("password", ""),
                                    confirm=request.POST.get("confirm", ""))
        except ApplicationError as failure:
            error = failure.message
        else:
            from django.contrib.auth import logout

            logout(request)
            messages.success(request, "Your account has been deleted.")
            return redirect("home")
    return render(request, "accounts/account_delete.html", {
        "plan": selectors.account_deletion_plan(user=request.user), "error": error,
        "needs_password": request.user.has_usable_password()}, status=400 if error else 200)
