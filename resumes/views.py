"""Pages of the resumes domain."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError, NotFound
from core.file_storage import private_file_response
from core.query_params import parse_int

from . import content as resume_content
from . import export, selectors, services
from .apis import export_response
from .models import ParseStatus

READING = (ParseStatus.PENDING, ParseStatus.QUEUED, ParseStatus.PARSING)


def _resume_or_404(request, resume_id):
    try:
        return selectors.resume_get(user=request.user, resume_id=resume_id)
    except NotFound:
        raise Http404("No such resume.")


@login_required
def resume_list(request):
    if request.method == "POST":
        try:
            if request.POST.get("blank"):
                version = services.resume_create_blank(user=request.user, title=request.POST.get("title", ""))
                return redirect("resume-builder", resume_id=version.resume_id)
            upload = request.FILES.get("file")
            if upload is None:
                raise ApplicationError("Choose a PDF, DOCX or text file.", code="no_file")
            version = services.resume_upload(user=request.user, upload=upload, title=request.POST.get("title", ""))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            return redirect("resume-detail", resume_id=version.resume_id)
    return render(request, "resumes/list.html", {"resumes": selectors.resumes_of(user=request.user),
                                                 "jobs": selectors.jobs_of(user=request.user)[:5]})


def _messages_by_place(request, *, read: bool, analysis_shown: bool) -> dict[str, list]:
    """The page's messages by where they show: a message tagged "analysis" beside the result the
    user lands on (scrolled to it, the top of the page is out of view), "analyze" beside the
    form (shown once the file is read); anything else, or with its place not on the page, at the top."""
    placed: dict[str, list] = {"page": [], "analysis": [], "analyze": []}
    on_page = {"analysis": read and analysis_shown, "analyze": read}
    for message in messages.get_messages(request):
        place = message.extra_tags if on_page.get(message.extra_tags) else "page"
        placed[place].append(message)
    return placed


@login_required
def resume_detail(request, resume_id):
    resume = _resume_or_404(request, resume_id)
    version = resume.latest
    analysis = None
    if parse_int(request.GET.get("analysis")) is not None:
        try:
            analysis = selectors.analysis_get(user=request.user, analysis_id=parse_int(request.GET["analysis"]))
        except NotFound:
            analysis = None
        if analysis is not None and analysis.version.resume_id != resume.id:
            analysis = None  # another resume's analysis does not belong on this page
    if analysis is None and version is not None:
        analysis = selectors.analyses_of_version(version=version).first()
    return render(request, "resumes/detail.html", {
        "resume": resume, "version": version, "analysis": analysis, "jobs": selectors.jobs_of(user=request.user),
        "templates": export.TEMPLATES, "parsing": version is not None and version.parse_status in READING,
        "placed_messages": _messages_by_place(
            request, read=version is not None and version.parse_status == ParseStatus.DONE,
            analysis_shown=analysis is not None),
    })


@login_required
def resume_status(request, resume_id):
    """The parsing progress panel, polled by the page until the file is read."""
    resume = _resume_or_404(request, resume_id)
    response = render(request, "resumes/partials/status.html", {"resume": resume, "version": resume.latest})
    if resume.latest and resume.latest.parse_status not in READING:
        response["HX-Refresh"] = "true"  # read: show the whole page with its results
    return response


@login_required
@require_POST
def resume_analyze(request, resume_id):
    resume = _resume_or_404(request, resume_id)
    version = resume.latest
    try:
        job = None
        # A pasted text wins over the list: the list comes preselected with the last job analyzed.
        if request.POST.get("job_text", "").strip():
            saved = services.job_save(user=request.user, text=request.POST["job_text"],
                                      title=request.POST.get("job_title", ""))
            job = saved.job
            if not saved.created:
                messages.info(request, f"You saved this job before, as “{job.title}”: it is checked against that one, "
                                       "not a copy.", extra_tags="analysis")
        elif parse_int(request.POST.get("job")) is not None:
            job = selectors.job_get(user=request.user, job_id=parse_int(request.POST["job"]))
        if version is None:
            raise ApplicationError("Upload a resume first.", code="no_version")
        analysis = services.analysis_run(user=request.user, version=version, job=job)
    except (ApplicationError, NotFound) as error:
        messages.error(request, getattr(error, "message", str(error)), extra_tags="analyze")
        return redirect(f"{reverse('resume-detail', args=[resume.id])}#analyze")
    # Straight to the result, scrolled to it: the form sits above it on the page.
    return redirect(f"{reverse('resume-detail', args=[resume.id])}?analysis={analysis.id}#analysis")


@login_required
@require_GET
def analysis_side_by_side(request, resume_id, analysis_id):
    """The resume and the job side by side, the job's terms marked where the resume has them and
    where it lacks them (as the analysis found them)."""
    resume = _resume_or_404(request, resume_id)
    try:
        analysis = selectors.analysis_get(user=request.user, analysis_id=analysis_id)
        if analysis.version.resume_id != resume.id:
            raise NotFound("No such analysis.")
        compared = selectors.analysis_side_by_side(analysis=analysis)
    except NotFound:
        raise Http404("No such analysis, or it has no job.")
    return render(request, "resumes/side_by_side.html", {"resume": resume, "analysis": analysis, "compared": compared})


@login_required
@require_POST
def resume_upload_version(request, resume_id):
    resume = _resume_or_404(request, resume_id)
    try:
        services.resume_upload_version(resume=resume, upload=request.FILES.get("file") or _missing())
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("resume-detail", resume_id=resume.id)


def _missing():
    raise ApplicationError("Choose a file to upload.", code="no_file")


@login_required
def resume_builder(request, resume_id):
    resume = _resume_or_404(request, resume_id)
    version = resume.latest
    return render(request, "resumes/builder.html", {
        "resume": resume, "version": version, "templates": export.TEMPLATES,
        "builder_data": {"resumeId": resume.id, "content": version.content if version else {},
                         "version": version.number if version else 0,
                         "score": version.general_score if version else None,
                         "saveUrl": reverse("api-resume", args=[resume.id]),
                         "limits": {"entries": resume_content.LIMITS, "characters": resume_content.TEXT_LIMITS}},
    })


@login_required
def resume_versions(request, resume_id):
    resume = _resume_or_404(request, resume_id)
    versions = list(selectors.versions_of(resume=resume))
    diff, old, new = None, None, None
    a, b = parse_int(request.GET.get("a")), parse_int(request.GET.get("b"))
    if a is not None and b is not None:
        try:
            old = selectors.version_get(resume=resume, number=a)
            new = selectors.version_get(resume=resume, number=b)
        except NotFound:
            raise Http404
        diff = services.version_diff(old=old, new=new)
    elif len(versions) >= 2:
        old, new = versions[1], versions[0]
        diff = services.version_diff(old=old, new=new)
    return render(request, "resumes/versions.html", {"resume": resume, "versions": versions, "diff": diff,
                                                     "old": old, "new": new})


@login_required
def resume_download(request, resume_id):
    resume = _resume_or_404(request, resume_id)
    try:
        return export_response(request, resume)
    except (ApplicationError, NotFound) as error:
        messages.error(request, getattr(error, "message", "Nothing to download yet."))
        return redirect("resume-detail", resume_id=resume.id)


@require_GET
def resume_version_file(request, resume_id, number):
    """The uploaded file itself, to its owner. Not login_required: a stranger learns nothing, not
    even that the resume exists (404 for everyone else, logged in or not)."""
    try:
        version = selectors.version_file_get(user=request.user, resume_id=resume_id, number=number)
    except NotFound:
        raise Http404("No such file.")
    return private_file_response(version.file, download_name=services.version_download_name(version))


@login_required
@require_POST
def resume_delete(request, resume_id):
    services.resume_delete(resume=_resume_or_404(request, resume_id))
    messages.success(request, "Resume deleted.")
    return redirect("resume-list")


@login_required
def job_list(request):
    if request.method == "POST":
        try:
            saved = services.job_save(user=request.user, text=request.POST.get("text", ""),
                                      title=request.POST.get("title", ""), company=request.POST.get("company", ""))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if not saved.created:
                messages.info(request, f"You saved this job before, as “{saved.job.title}”: here it is.")
            return redirect("job-detail", job_id=saved.job.id)
    return render(request, "resumes/jobs.html", {"jobs": selectors.jobs_of(user=request.user)})


@login_required
def job_detail(request, job_id):
    try:
        job = selectors.job_get(user=request.user, job_id=job_id)
    except NotFound:
        raise Http404
    return render(request, "resumes/job.html", {"job": job, "resumes": selectors.resumes_of(user=request.user)})


def _analysis_or_none(request, analysis_id):
    if analysis_id is None:
        return None
    try:
        return selectors.analysis_get(user=request.user, analysis_id=analysis_id)
    except NotFound:
        return None


@login_required
def roadmap_list(request):
    analysis = _analysis_or_none(request, parse_int(request.POST.get("analysis") if request.method == "POST"
                                                    else request.GET.get("analysis")))
    initial = selectors.roadmap_initial(analysis=analysis)
    if request.method == "POST":
        try:
            if parse_int(request.POST.get("analysis")) is not None and analysis is None:
                raise NotFound("No such analysis.")
            roadmap = services.roadmap_create(user=request.user, target_role=request.POST.get("target_role", ""),
                                              current_level=request.POST.get("current_level", ""), analysis=analysis)
        except (ApplicationError, NotFound) as error:
            messages.error(request, getattr(error, "message", str(error)))
            initial = {**initial, "target_role": request.POST.get("target_role", ""),
                       "current_level": request.POST.get("current_level", initial["current_level"])}
        else:
            return redirect("roadmap-detail", roadmap_id=roadmap.id)
    return render(request, "resumes/roadmaps.html", {
        "roadmaps": selectors.roadmaps_of(user=request.user), "levels": list(services.LEVEL_WEEKS),
        "analysis": analysis, "initial": initial})


@login_required
def roadmap_detail(request, roadmap_id):
    try:
        roadmap = selectors.roadmap_get(user=request.user, roadmap_id=roadmap_id)
    except NotFound:
        raise Http404
    if request.method == "POST":
        try:
            roadmap = services.roadmap_milestone_set(roadmap=roadmap, milestone_id=request.POST.get("milestone", ""),
                                                     done=request.POST.get("done") == "1")
        except NotFound:
            raise Http404
        if not request.htmx:
            return redirect("roadmap-detail", roadmap_id=roadmap.id)
    done = sum(1 for p in roadmap.phases for m in p["milestones"] if m["done"])
    total = sum(len(p["milestones"]) for p in roadmap.phases)
    return render(request, "resumes/roadmap.html", {"roadmap": roadmap, "next_steps": services.roadmap_next_steps(roadmap),
                                                    "done": done, "total": total})
