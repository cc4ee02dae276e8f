"""Pages of the community: the feed, posts with their comment threads, bookmarks, moderation and
code templates. Likes, bookmarks, comments, stars and follows answer htmx with the fragment to
swap in (and the whole page without htmx)."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.models import User
from core.exceptions import ApplicationError, NotFound
from core.query_params import page_number, parse_int
from core.roles import MODERATOR, role_required

from . import selectors, services
from .engine import trust
from .engine.preview import CSP, preview_document
from .engine.threads import Node
from .forms import PostForm, TemplateForm
from .models import FlagReason, PostDifficulty, PostType, TemplateKind
from .thread_html import ThreadContext, like_form, render_nodes

PAGE_SIZE = 20


def viewer_key(request) -> str:
    """Who counts as one viewer for the once-a-day view count: the user, or the session."""
    if request.user.is_authenticated:
        return f"u{request.user.id}"
    if not request.session.session_key:
        request.session.save()
    return "s" + hashlib.sha256(request.session.session_key.encode()).hexdigest()[:40]


def _or_404(fetch, *args, **kwargs):
    try:
        return fetch(*args, **kwargs)
    except NotFound as error:
        raise Http404(error.message)


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


def _page(rows, request):
    """Offset pages without a COUNT: one more row than shown says whether there is a next page."""
    page = page_number(request.GET.get("page"))
    items = list(rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return items[:PAGE_SIZE], page, len(items) > PAGE_SIZE


def _filters(request) -> dict:
    get = request.GET
    filters = {
        "type": get.get("type", "") if get.get("type", "") in PostType.values else "",
        "tag": get.get("tag", "")[:30],
        "difficulty": get.get("difficulty", "") if get.get("difficulty", "") in PostDifficulty.values else "",
        "challenge_type": get.get("challenge_type", "") if get.get("challenge_type", "") in services.CHALLENGE_TYPES else "",
        "search": get.get("search", "")[:100],
        "sort": get.get("sort", "new") if get.get("sort", "new") in selectors.SORTS else "new",
    }
    return filters


def feed(request):
    filters = _filters(request)
    posts, page, has_next = _page(selectors.post_feed(viewer=request.user, **filters), request)
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v and k != "sort")
    context = {
        "posts": posts, "page": page, "has_next": has_next, "filters": filters, "query": query,
        "pinned": selectors.pinned_posts(viewer=request.user) if page == 1 and not any(
            v for k, v in filters.items() if k != "sort") else [],
        "types": PostType.choices, "difficulties": PostDifficulty.choices,
        "challenge_types": [(t, t) for t in services.CHALLENGE_TYPES],
        "sorts": [("new", "New"), ("trending", "Trending"), ("top-day", "Top today"), ("top-week", "Top this week"),
                  ("top-all", "Top of all time")],
    }
    if request.htmx and request.GET.get("more"):
        return render(request, "community/partials/post_cards.html", context)
    return render(request, "community/feed.html", context)


def _post_form_context(form, post=None):
    return {"form": form, "post": post, "languages": services.CODE_LANGUAGES}


def _submissions_and_challenges(user):
    from challenges.models import Challenge, Submission

    return {
        "my_submissions": Submission.objects.filter(user=user).select_related("challenge").only(
            "id", "language", "verdict", "challenge__title", "created_at").order_by("-id")[:30],
        "my_challenges": Challenge.objects.filter(author=user).only("slug", "title").order_by("title")[:30],
    }


def _apply_form_error(form, error: ApplicationError):
    for field, problems in (error.details or {}).items():
        if field in form.fields and isinstance(problems, list):
            form.add_error(field, f"{error.message}")
            return
    form.add_error(None, error.message)


@login_required
def post_new(request):
    form = PostForm(request.POST or None, initial={"type": request.GET.get("type", "discussion")})
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(author=request.user, **form.service_data())
        except ApplicationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, "Your post is up.")
            return redirect("community-post", post_id=post.id)
    return render(request, "community/post_form.html",
                  {**_post_form_context(form), **_submissions_and_challenges(request.user)})


@login_required
def post_edit(request, post_id: int):
    post = _or_404(selectors.post_get_for_user, viewer=request.user, post_id=post_id)
    if post.author_id != request.user.id:
        return render(request, "403.html", {"message": "You can only edit your own posts."}, status=403)
    form = PostForm(request.POST or None, initial=PostForm.initial_from(post))
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(user=request.user, post_id=post.id, **form.service_data())
        except ApplicationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("community-post", post_id=post.id)
    return render(request, "community/post_form.html",
                  {**_post_form_context(form, post), **_submissions_and_challenges(request.user)})


@login_required
@require_POST
def post_delete(request, post_id: int):
    try:
        services.post_delete(user=request.user, post_id=post_id)
    except NotFound:
        raise Http404("No such post.")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("community-post", post_id=post_id)
    messages.success(request, "Post deleted.")
    return redirect("community-feed")


def post_detail(request, post_id: int):
    post = _or_404(selectors.post_get_for_user, viewer=request.user, post_id=post_id)
    thread = selectors.comment_thread(viewer=request.user, post=post)
    user = request.user
    requests = []
    viewer_request = None
    if post.type == PostType.COLLABORATION and user.is_authenticated:
        requests = list(selectors.collaboration_requests_for(viewer=user, post=post))
        viewer_request = next((r for r in requests if r.requester_id == user.id), None)
    author = post.author
    if user.is_authenticated and user.id != author.id:
        from accounts.models import Follow

        author.viewer_follows = Follow.objects.filter(follower=user, following=author).exists()
    comments_html = mark_safe(render_nodes(  # noqa: S308 - built by thread_html, which escapes
        thread.roots, ThreadContext.of(request, post, is_moderator=services.is_moderator(user))))
    return render(request, "community/post_detail.html", {
        "post": post, "thread": thread, "comments_html": comments_html, "links": selectors.linked_items_visible(viewer=user, post=post),
        "is_author": user.is_authenticated and user.id == post.author_id,
        "is_moderator": services.is_moderator(user),
        "share_url": request.build_absolute_uri(reverse("community-post", args=[post.id])),
        "flag_reasons": FlagReason.choices, "join_requests": requests, "viewer_request": viewer_request,
        "has_project": bool(post.project_html or post.project_css or post.project_js),
        "person": author,
    })


@require_POST
def post_view(request, post_id: int):
    try:
        count = services.post_view_record(post_id=post_id, viewer=viewer_key(request), user=request.user)
    except NotFound:
        raise Http404("No such post.")
    return HttpResponse(f"{count} view{'s' if count != 1 else ''}")


def _toggle_response(request, template: str, context: dict, fallback: str):
    if request.htmx:
        return render(request, template, context)
    return _back(request, fallback)


@login_required
@require_POST
def post_like(request, post_id: int):
    try:
        liked, count = services.post_like_toggle(user=request.user, post_id=post_id)
    except NotFound:
        raise Http404("No such post.")
    except ApplicationError as error:
        return _error_fragment(request, error, reverse("community-post", args=[post_id]))
    return _toggle_response(request, "community/partials/like_button.html",
                            {"post_id": post_id, "liked": liked, "count": count},
                            reverse("community-post", args=[post_id]))


@login_required
@require_POST
def post_bookmark(request, post_id: int):
    try:
        marked, count = services.post_bookmark_toggle(user=request.user, post_id=post_id)
    except NotFound:
        raise Http404("No such post.")
    return _toggle_response(request, "community/partials/bookmark_button.html",
                            {"post_id": post_id, "bookmarked": marked, "count": count},
                            reverse("community-post", args=[post_id]))


def _error_fragment(request, error: ApplicationError, fallback: str):
    if request.htmx:
        response = render(request, "community/partials/toast.html", {"message": error.message}, status=200)
        response["HX-Reswap"] = "none"
        return response
    messages.error(request, error.message)
    return redirect(fallback)


@login_required
@require_POST
def post_accept(request, post_id: int):
    comment_id = parse_int(request.POST.get("comment", ""))
    try:
        services.post_accept_answer(user=request.user, post_id=post_id,
                                    comment_id=comment_id if request.POST.get("action") != "unaccept" else None)
    except NotFound:
        raise Http404("No such post or comment.")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Answer accepted." if request.POST.get("action") != "unaccept" else "Answer unmarked.")
    return redirect(reverse("community-post", args=[post_id]) + (f"#comment-{comment_id}" if comment_id else ""))


@login_required
@require_POST
def comment_create(request, post_id: int):
    parent_id = parse_int(request.POST.get("parent", "")) if request.POST.get("parent") else None
    try:
        comment = services.comment_create(author=request.user, post_id=post_id, body=request.POST.get("body", ""),
                                          parent_id=parent_id)
    except NotFound:
        raise Http404("No such post.")
    except ApplicationError as error:
        return _error_fragment(request, error, reverse("community-post", args=[post_id]))
    if request.htmx:
        comment = selectors.comment_get_for_user(viewer=request.user, comment_id=comment.id)
        comment.visible_to_viewer = True
        ctx = ThreadContext.of(request, comment.post, is_moderator=services.is_moderator(request.user))
        count = comment.post.comment_count
        return HttpResponse(render_nodes([Node(comment)], ctx, base_depth=comment.depth) + (
            f'<span id="comment-count" hx-swap-oob="true">{count} comment{"s" if count != 1 else ""}</span>'))
    return redirect(reverse("community-post", args=[post_id]) + f"#comment-{comment.id}")


@login_required
def comment_edit(request, comment_id: int):
    comment = _or_404(selectors.comment_get_for_user, viewer=request.user, comment_id=comment_id)
    if comment.author_id != request.user.id or comment.is_deleted:
        return HttpResponse("You can only edit your own comments.", status=403)
    if request.method == "POST":
        try:
            comment = services.comment_update(user=request.user, comment_id=comment_id, body=request.POST.get("body", ""))
        except ApplicationError as error:
            return _error_fragment(request, error, reverse("community-post", args=[comment.post_id]))
        if not request.htmx:
            return redirect(reverse("community-post", args=[comment.post_id]) + f"#comment-{comment.id}")
        return render(request, "community/partials/comment_body.html", {"c": comment})
    return render(request, "community/partials/comment_edit.html", {"c": comment})


@login_required
@require_POST
def comment_delete(request, comment_id: int):
    comment = _or_404(selectors.comment_get_for_user, viewer=request.user, comment_id=comment_id)
    try:
        services.comment_delete(user=request.user, comment_id=comment_id)
    except NotFound:
        raise Http404("No such comment.")
    except ApplicationError as error:
        return _error_fragment(request, error, reverse("community-post", args=[comment.post_id]))
    if request.htmx:
        return HttpResponse(f'<div class="comment" id="comment-{comment_id}"><p class="muted small">Comment deleted.</p></div>')
    return redirect("community-post", post_id=comment.post_id)


@login_required
@require_POST
def comment_like(request, comment_id: int):
    try:
        liked, count = services.comment_like_toggle(user=request.user, comment_id=comment_id)
    except NotFound:
        raise Http404("No such comment.")
    except ApplicationError as error:
        return _error_fragment(request, error, "/community/")
    if request.htmx:
        return HttpResponse(like_form(comment_id, liked, count, get_token(request)))
    return _back(request, "/community/")


def _comment_action_form(request, comment_id: int, template: str, **extra):
    """The reply, flag and moderate forms of one comment, fetched when asked for (htmx puts them
    under the comment; without JavaScript they are a page of their own)."""
    comment = _or_404(selectors.comment_get_for_user, viewer=request.user, comment_id=comment_id)
    layout = "community/partials/bare.html" if request.htmx else "base.html"
    context = {"c": comment, "flag_reasons": FlagReason.choices, "layout": layout, **extra}
    return render(request, template, context)


@login_required
def comment_reply_form(request, comment_id: int):
    return _comment_action_form(request, comment_id, "community/partials/reply_form.html")


@login_required
def comment_flag_form(request, comment_id: int):
    return _comment_action_form(request, comment_id, "community/partials/flag_form.html")


@role_required(MODERATOR)
def comment_moderate_form(request, comment_id: int):
    return _comment_action_form(request, comment_id, "community/partials/moderate_form.html")


@login_required
@require_POST
def flag_create(request):
    post_id = parse_int(request.POST.get("post", "")) if request.POST.get("post") else None
    comment_id = parse_int(request.POST.get("comment", "")) if request.POST.get("comment") else None
    back = "/community/"
    try:
        flag = services.flag_create(reporter=request.user, reason=request.POST.get("reason", ""),
                                    details=request.POST.get("details", ""), post_id=post_id, comment_id=comment_id)
        back = reverse("community-post", args=[flag.post_id])
    except NotFound:
        raise Http404("Nothing to flag there.")
    except ApplicationError as error:
        return _error_fragment(request, error, back)
    if request.htmx:
        return HttpResponse('<p class="muted" role="status">Thanks: a moderator will look at it.</p>')
    messages.success(request, "Thanks: a moderator will look at it.")
    return redirect(back)


@login_required
@require_POST
def collaboration_request(request, post_id: int):
    skills = [s for s in request.POST.get("skills", "").split(",") if s.strip()]
    try:
        services.collaboration_request_create(requester=request.user, post_id=post_id,
                                              message=request.POST.get("message", ""), skills=skills)
    except NotFound:
        raise Http404("No such post.")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Request sent: the author has been told.")
    return redirect(reverse("community-post", args=[post_id]) + "#requests")


@login_required
@require_POST
def collaboration_decide(request, request_id: int):
    accept = request.POST.get("decision") == "accept"
    try:
        join = services.collaboration_request_decide(user=request.user, request_id=request_id, accept=accept)
    except NotFound:
        raise Http404("No such request.")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("community-feed")
    messages.success(request, f"Request {join.status}.")
    return redirect(reverse("community-post", args=[join.post_id]) + "#requests")


@login_required
def bookmarks(request):
    posts, page, has_next = _page(selectors.bookmarks_of(user=request.user), request)
    return render(request, "community/bookmarks.html", {"posts": posts, "page": page, "has_next": has_next})


@login_required
def my_trust(request):
    activity = services.user_activity(request.user)
    level = trust.trust_level(activity)
    return render(request, "community/trust.html", {
        "level": level, "level_name": trust.LEVEL_NAMES[level], "limits": trust.LIMITS.get(level),
        "needs": trust.next_level_needs(activity), "activity": activity, "table": trust.LIMITS,
        "requirements": trust.REQUIREMENTS, "suspension": services.active_suspension(request.user)})


@xframe_options_sameorigin
def post_preview(request, post_id: int):
    post = _or_404(selectors.post_get_for_user, viewer=request.user, post_id=post_id)
    return _preview_response(preview_document(html=post.project_html, css=post.project_css, js=post.project_js))


def _preview_response(document: str) -> HttpResponse:
    response = HttpResponse(document, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- moderation ------------------------------------------------------------------------------------


@role_required(MODERATOR)
def moderation_queue(request):
    status = request.GET.get("status", "open")
    if status not in ("open", "resolved", "dismissed"):
        status = "open"
    flags, page, has_next = _page(selectors.moderation_queue(status=status), request)
    return render(request, "community/moderation.html", {"flags": flags, "page": page, "has_next": has_next,
                                                         "status": status})


@role_required(MODERATOR)
@require_POST
def moderate_post(request, post_id: int):
    try:
        services.post_moderate(moderator=request.user, post_id=post_id, action=request.POST.get("action", ""),
                               reason=request.POST.get("reason", ""))
    except NotFound:
        raise Http404("No such post.")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Done: {request.POST.get('action')}.")
    return _back(request, reverse("community-post", args=[post_id]))


@role_required(MODERATOR)
@require_POST
def moderate_comment(request, comment_id: int):
    try:
        comment = services.comment_moderate(moderator=request.user, comment_id=comment_id,
                                            action=request.POST.get("action", ""), reason=request.POST.get("reason", ""))
    except NotFound:
        raise Http404("No such comment.")
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(request, reverse("community-moderation"))
    messages.success(request, f"Comment {'hidden' if comment.is_hidden else 'shown'}.")
    return _back(request, reverse("community-post", args=[comment.post_id]))


@role_required(MODERATOR)
@require_POST
def flag_dismiss(request, flag_id: int):
    try:
        services.flag_dismiss(moderator=request.user, flag_id=flag_id, reason=request.POST.get("reason", ""))
    except NotFound:
        raise Http404("No such flag.")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Flag dismissed.")
    return redirect("community-moderation")


@role_required(MODERATOR)
@require_POST
def suspend_user(request, username: str):
    target = User.objects.filter(username=username).first()
    if target is None:
        raise Http404("No such user.")
    try:
        if request.POST.get("action") == "unsuspend":
            services.user_unsuspend(moderator=request.user, user=target, reason=request.POST.get("reason", ""))
            messages.success(request, f"{target.display_name} may write again.")
        else:
            days = parse_int(request.POST.get("days", ""), default=-1)
            services.user_suspend(moderator=request.user, user=target, days=days, reason=request.POST.get("reason", ""))
            messages.success(request, f"{target.display_name} is suspended for {days} days.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(request, reverse("community-moderation"))


# --- code templates --------------------------------------------------------------------------------


def template_list(request):
    get = request.GET
    filters = {"category": get.get("category", "")[:40], "framework": get.get("framework", "")[:40],
               "kind": get.get("kind", "") if get.get("kind", "") in TemplateKind.values else "",
               "search": get.get("search", "")[:100],
               "sort": get.get("sort", "new") if get.get("sort", "new") in selectors.TEMPLATE_SORTS else "new"}
    templates, page, has_next = _page(selectors.template_list(viewer=request.user, **filters), request)
    return render(request, "community/templates_list.html", {
        "templates": templates, "page": page, "has_next": has_next, "filters": filters,
        "facets": selectors.template_facets(), "kinds": TemplateKind.choices,
        "query": "&".join(f"{k}={v}" for k, v in filters.items() if v)})


@login_required
def template_new(request):
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(author=request.user, **form.service_data())
        except ApplicationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, "Template published.")
            return redirect("template-detail", template_id=template.id)
    return render(request, "community/template_form.html", {"form": form})


@login_required
def template_edit(request, template_id: int):
    template = _or_404(selectors.template_get_for_user, viewer=request.user, template_id=template_id)
    if template.author_id != request.user.id:
        return render(request, "403.html", {"message": "You can only edit your own templates."}, status=403)
    form = TemplateForm(request.POST or None, initial=TemplateForm.initial_from(template))
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(user=request.user, template_id=template.id, **form.service_data())
        except ApplicationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("template-detail", template_id=template.id)
    return render(request, "community/template_form.html", {"form": form, "template": template})


@login_required
@require_POST
def template_delete(request, template_id: int):
    try:
        services.template_delete(user=request.user, template_id=template_id)
    except NotFound:
        raise Http404("No such template.")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("template-detail", template_id=template_id)
    messages.success(request, "Template deleted.")
    return redirect("template-list")


def template_detail(request, template_id: int):
    from challenges.judge_gateway import judge_status

    template = _or_404(selectors.template_get_for_user, viewer=request.user, template_id=template_id)
    return render(request, "community/template_detail.html", {
        "template": template, "is_author": request.user.is_authenticated and request.user.id == template.author_id,
        "judge": judge_status() if template.kind == TemplateKind.PROJECT else None})


@require_POST
def template_view(request, template_id: int):
    try:
        count = services.template_view_record(template_id=template_id, viewer=viewer_key(request), user=request.user)
    except NotFound:
        raise Http404("No such template.")
    return HttpResponse(f"{count} view{'s' if count != 1 else ''}")


@login_required
@require_POST
def template_star(request, template_id: int):
    try:
        starred, count = services.template_star_toggle(user=request.user, template_id=template_id)
    except NotFound:
        raise Http404("No such template.")
    return _toggle_response(request, "community/partials/star_button.html",
                            {"template_id": template_id, "starred": starred, "count": count},
                            reverse("template-detail", args=[template_id]))


@login_required
@require_POST
def template_fork(request, template_id: int):
    try:
        fork = services.template_fork(user=request.user, template_id=template_id)
    except NotFound:
        raise Http404("No such template.")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("template-detail", template_id=template_id)
    messages.success(request, "Forked: this copy is yours to change.")
    return redirect("template-detail", template_id=fork.id)


def template_download(request, template_id: int):
    try:
        name, data = services.template_zip(user=request.user, template_id=template_id)
    except NotFound:
        raise Http404("No such template.")
    except services.TemplateTooLarge as error:
        return render(request, "community/template_too_large.html", {"message": error.message}, status=413)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@xframe_options_sameorigin
def template_preview(request, template_id: int):
    template = _or_404(selectors.template_get_for_user, viewer=request.user, template_id=template_id)
    if template.kind != TemplateKind.WEB:
        raise Http404("Only HTML/CSS/JS templates have a preview.")
    css = "\n".join(f["content"] for f in template.files if f["path"].endswith(".css"))
    js = "\n".join(f["content"] for f in template.files if f["path"].endswith(".js"))
    return _preview_response(preview_document(html=template.file("index.html"), css=css, js=js))


@login_required
@require_POST
def template_run(request, template_id: int):
    try:
        outcome = services.template_run(user=request.user, template_id=template_id, stdin=request.POST.get("stdin", ""))
    except NotFound:
        raise Http404("No such template.")
    except ApplicationError as error:
        return render(request, "community/partials/run_output.html", {"error": error.message})
    return render(request, "community/partials/run_output.html", {"run": outcome})

