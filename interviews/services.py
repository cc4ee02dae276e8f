"""Every write of the interviews domain: the question bank (create, import, seed), interview
sessions (start, answer, end, share) and question calibration."""

import secrets
import tomllib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services import progress_record_event
from analytics import event_log as analytics_verbs
from analytics.event_log import event_record
from core.ai_gateway import ai_complete
from core.audit import audit_record
from core.exceptions import Conflict, NotFound, ValidationFailed
from core.models import MediaAsset, MediaStatus
from core.realtime import publish_on_commit

from . import engine, selectors
from .engine import (
    ANSWER_MAX_CHARS,
    SeedError,
    SessionState,
    choose_next,
    parse_question,
    question_to_data,
)
from .engine.calibration import START_ABILITY, elo_update
from .lock_objects import lock_question_for_update, lock_session_for_update
from .model_stream import ModelStream
from .models import InterviewSession, InterviewTurn, Question, SessionStatus, TurnKind
from .realtime import interview_group

SEED_DIR = Path(__file__).resolve().parent / "seed" / "questions"
LEVELS = {"easy": 0, "medium": 1, "hard": 2}
MIN_LENGTH, MAX_LENGTH = 1, 15
JOB_TEXT_MAX = 20_000


# --- the question bank --------------------------------------------------------------------------


def _known():
    from resumes.ats.job import ROLE_WORDS
    from resumes.ontology import default_ontology

    ontology = default_ontology()
    # The ATS's role families: those it reads from job titles and those the skill data names.
    families = set(ROLE_WORDS) | {f for skill in ontology.skills.values() for f in skill.role_families}
    return set(ontology.skills), families | {"general", "fullstack"}


def questions_parse(items) -> list[engine.QuestionSpec]:
    """Every question of an import, checked against the format and the ontology; the first bad one
    stops the whole import (ValidationFailed naming it), so nothing is half-imported."""
    if not isinstance(items, list):
        raise ValidationFailed("An import is a list of questions.", code="invalid_import")
    skills, families = _known()
    specs, seen = [], set()
    for item in items:
        try:
            spec = parse_question(item, known_skills=skills, known_role_families=families)
        except SeedError as error:
            raise ValidationFailed(str(error), code="invalid_question", details={"question": str(error)}) from error
        if spec.slug in seen:
            raise ValidationFailed(f"{spec.slug}: the slug appears twice.", code="invalid_question")
        seen.add(spec.slug)
        specs.append(spec)
    return specs


def _fields(spec: engine.QuestionSpec) -> dict:
    data = question_to_data(spec)
    data.pop("slug")
    return data


@transaction.atomic
def questions_import(*, items, actor=None) -> dict:
    """Create or update questions by slug (idempotent: importing the same data twice changes
    nothing). Calibration is kept: it belongs to the question, not to its wording."""
    specs = questions_parse(items)
    existing = {q.slug: q for q in Question.objects.filter(slug__in=[s.slug for s in specs])}
    created = updated = unchanged = 0
    for spec in specs:
        fields = _fields(spec)
        question = existing.get(spec.slug)
        if question is None:
            Question.objects.create(slug=spec.slug, **fields)
            created += 1
        elif any(getattr(question, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(question, key, value)
            question.save()
            updated += 1
        else:
            unchanged += 1
    if actor is not None:
        audit_record(action="interviews.questions_imported", actor=actor, target_type="interviews.question",
                     target_label=f"{created} created, {updated} updated, {unchanged} unchanged")
    return {"created": created, "updated": updated, "unchanged": unchanged}


def questions_parse_toml(content: str) -> list:
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed(f"Not valid TOML: {error}", code="invalid_toml") from error
    return data.get("question", [])


def questions_seed(*, directory: Path = SEED_DIR) -> dict:
    """Load every interviews/seed/questions/*.toml (idempotent by slug)."""
    items = []
    for path in sorted(directory.glob("*.toml")):
        try:
            items.extend(questions_parse_toml(path.read_text(encoding="utf-8")))
        except ValidationFailed as error:
            raise ValidationFailed(f"{path.name}: {error.message}", code=error.code) from error
    try:
        return questions_import(items=items)
    except ValidationFailed as error:
        raise ValidationFailed(f"{directory}: {error.message}", code=error.code) from error


@transaction.atomic
def question_create(*, data: dict, actor) -> Question:
    (spec,) = questions_parse([data])
    if Question.objects.filter(slug=spec.slug).exists():
        raise Conflict(f"A question with the slug {spec.slug!r} exists.", code="slug_taken")
    question = Question.objects.create(slug=spec.slug, **_fields(spec))
    audit_record(action="interviews.question_created", actor=actor, target=question)
    return question


# --- sessions -----------------------------------------------------------------------------------


def _job_terms(skill_ids) -> list[dict]:
    from resumes.ontology import default_ontology

    ontology = default_ontology()
    terms = []
    for skill_id in skill_ids:
        skill = ontology.get(skill_id)
        if skill:
            variants = sorted({t.lower() for t in (skill.name, *skill.aliases) if len(t) > 1})
            terms.append({"term": skill.name, "variants": variants})
    return terms[:30]


def _targets(*, user, job_text: str, job_id, analysis_id) -> dict:
    """The job's skills and the resume analysis' gaps to aim at (both permission-checked)."""
    from resumes import selectors as resume_selectors
    from resumes.ats import parse_job

    target: list[str] = []
    gaps: list[str] = []
    title, family, job, analysis = "", "", None, None
    if analysis_id is not None:
        analysis = resume_selectors.analysis_get(user=user, analysis_id=analysis_id)
        family = analysis.role_family
        for gap in (analysis.gaps or {}).get("gaps", []):
            for member in gap.get("skills") or [{"skill": gap.get("skill")}]:
                if member.get("skill") and member["skill"] not in gaps:
                    gaps.append(member["skill"])
        if analysis.job is not None and job_id is None and not job_text:
            job = analysis.job
    if job_id is not None:
        job = resume_selectors.job_get(user=user, job_id=job_id)
    text = job_text or (job.text if job else "")
    if text:
        parsed = parse_job(text)
        target = list(dict.fromkeys(parsed.required_skills + parsed.preferred_skills))
        title = (job.title if job else parsed.title)[:120]
        family = family or parsed.role_family
    return {"target_skills": target[:40], "gap_skills": gaps[:40], "job_title": title,
            "role_family": family if family != "general" else "", "job": job, "analysis": analysis}


def _state(session: InterviewSession, turns) -> SessionState:
    return SessionState(interview_type=session.interview_type, level=session.level,
                        asked={t.question.slug for t in turns},
                        categories_asked=[t.question.category for t in turns if t.kind == TurnKind.QUESTION],
                        target_skills=tuple(session.target_skills), gap_skills=tuple(session.gap_skills),
                        role_family=session.role_family, seed=str(session.pk))


QUESTION_SCHEMA = {"type": "object", "required": ["prompt"], "additionalProperties": False,
                   "properties": {"prompt": {"type": "string", "minLength": 10, "maxLength": 1000}}}


def _model_stream(*, session_id: int, turn: int, task: str, field: str) -> ModelStream | None:
    """A stream of the model's answer to the session's pages, when a model is configured."""
    return ModelStream(session_id=session_id, turn=turn, task=task, field=field) if settings.AI_BASE_URL else None


def _phrase(*, session: InterviewSession, question: Question, choice, user, turn: int) -> tuple[str, str, str]:
    """The words of the next question: the bank's (offline) or the model's rewording of it for
    the target job, validated, with the bank's as fallback; the model's words stream to the page."""
    job = f" The candidate targets this job: {session.job_title}." if session.job_title else ""
    stream = _model_stream(session_id=session.pk, turn=turn, task="question", field="prompt")
    result = ai_complete(on_token=stream,
        task="interview.follow_up" if choice.kind == "follow_up" else "interview.question",
        schema=QUESTION_SCHEMA, user=user, offline=lambda: {"prompt": choice.prompt},
        system="You are a job interviewer. Reword the interview question you are given so it sounds natural "
               "in conversation; keep its meaning and what it asks for. One question, no preamble." + job,
        prompt=f"Question ({question.category}, {question.difficulty}): {choice.prompt}")
    if stream is not None:
        stream.finish(used=not result.fell_back)
    return result.data["prompt"].strip(), result.engine, result.fallback_reason


def _ask(*, session: InterviewSession, turns, user, last=None, last_evaluation=None,
         last_was_follow_up=False) -> InterviewTurn | None:
    if len(turns) >= session.length:
        return None
    questions = selectors.questions_for_choice()
    by_slug = {q.slug: q for q in questions}
    choice = choose_next([q.spec() for q in questions], _state(session, turns),
                         last=last.spec() if last is not None else None, last_evaluation=last_evaluation,
                         last_was_follow_up=last_was_follow_up)
    if choice is None:
        return None
    question = by_slug[choice.slug]
    prompt, _, _ = _phrase(session=session, question=question, choice=choice, user=user, turn=len(turns))
    session.level = choice.level
    session.save(update_fields=["level", "updated_at"])
    Question.objects.filter(pk=question.pk).update(times_asked=question.times_asked + 1)
    return InterviewTurn.objects.create(
        session=session, index=len(turns), question=question,
        kind=TurnKind.FOLLOW_UP if choice.kind == "follow_up" else TurnKind.QUESTION,
        prompt=prompt, talking_point=choice.talking_point, reason=choice.reason[:300])


@transaction.atomic
def session_start(*, user, interview_type: str, difficulty: str, length: int, job_text: str = "",
                  job_id: int | None = None, analysis_id: int | None = None,
                  challenge: str = "") -> InterviewSession:
    """Start an interview and ask its first question. A job or analysis of someone else is a 404.
    A technical interview may attach a challenge (its slug; one the user cannot see is a 404): the
    interview then opens a live coding room for it, the user as the candidate, starting from the
    challenge's starter code, and the report replays that room beside the transcript."""
    challenge = (challenge or "").strip()
    if challenge and interview_type != "technical":
        raise ValidationFailed("Only a technical interview can have a coding challenge.", code="challenge_not_technical",
                               details={"challenge": ["Only a technical interview can have a coding challenge."]})
    attached = _challenge(user=user, slug=challenge) if challenge else None
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValidationFailed(f"An interview has {MIN_LENGTH} to {MAX_LENGTH} questions.", code="invalid_length")
    if len(job_text) > JOB_TEXT_MAX:
        raise ValidationFailed(f"A job description is at most {JOB_TEXT_MAX} characters.", code="job_too_long")
    targets = _targets(user=user, job_text=job_text.strip(), job_id=job_id, analysis_id=analysis_id)
    session = InterviewSession.objects.create(
        user=user, interview_type=interview_type, difficulty=difficulty, length=length, level=LEVELS[difficulty],
        job=targets["job"], analysis=targets["analysis"], job_title=targets["job_title"],
        role_family=targets["role_family"], target_skills=targets["target_skills"],
        gap_skills=targets["gap_skills"], job_terms=_job_terms(targets["target_skills"]), ability=START_ABILITY)
    if attached is not None:
        # The room first: its starter code is the replay's first frame, before the first question.
        session.room = _coding_room(user=user, challenge=attached, session=session)
        session.save(update_fields=["room", "updated_at"])
    first = _ask(session=session, turns=[], user=user)
    if first is None:
        raise Conflict("There are no questions of this type in the bank yet.", code="no_questions")
    return session


def _challenge(*, user, slug: str):
    from challenges.selectors import challenge_get

    if len(slug) > 120:
        raise NotFound("No such challenge.")
    return challenge_get(user=user, slug=slug)


def _coding_room(*, user, challenge, session: InterviewSession):
    from collaboration.models import Role
    from collaboration.services import room_create

    attached = challenge
    starters = attached.starter_code or {}
    # Python when the challenge has a starter for it (the judge's most common runtime), else the
    # first language it has one for.
    language = "python" if "python" in starters or not starters else next(iter(starters))
    return room_create(interviewer=user, title=f"Interview #{session.pk}: {attached.title}"[:120],
                       language=language, challenge=attached, seat_role=Role.CANDIDATE)


EVALUATION_SCHEMA = {
    "type": "object", "required": ["dimensions", "covered_talking_points", "summary"],
    "properties": {
        "dimensions": {"type": "array", "minItems": 5, "maxItems": 5, "items": {
            "type": "object", "required": ["dimension", "score", "reason", "evidence"],
            "properties": {"dimension": {"enum": list(engine.DIMENSIONS)},
                           "score": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
                           "reason": {"type": "string", "maxLength": 500},
                           "evidence": {"type": "array", "maxItems": 4,
                                        "items": {"type": "string", "maxLength": 300}}}}},
        "covered_talking_points": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "summary": {"type": "string", "maxLength": 600},
    },
}


def _merge_model_evaluation(offline: dict, model: dict, answer: str, spec) -> dict:
    """The model's scores on the offline evaluation's frame. Evidence must be quoted from the
    answer (anything else is dropped), and a dimension the offline checks found no evidence for
    stays "not enough evidence" whatever the model says."""
    merged = dict(offline)
    lower = answer.lower()
    by_dimension = {d["dimension"]: d for d in model["dimensions"]}
    dimensions = []
    for item in offline["dimensions"]:
        theirs = by_dimension.get(item["dimension"])
        if item["score"] is None or theirs is None or theirs["score"] is None:
            dimensions.append(item)
            continue
        quotes = [q for q in theirs["evidence"] if q.strip().strip("“”\"").lower()[:60] in lower]
        dimensions.append({**item, "score": int(theirs["score"]), "reason": theirs["reason"][:500],
                           "evidence": quotes or item["evidence"]})
    merged["dimensions"] = dimensions
    weights = engine.evaluation._weights(spec)
    scores = {d["dimension"]: d["score"] for d in dimensions if d["score"] is not None}
    if offline["overall"] is not None:
        merged["overall"] = round(sum(weights[d] * s for d, s in scores.items()) / sum(weights[d] for d in scores))
        merged["verdict"] = ("strong" if merged["overall"] >= engine.evaluation.STRONG else
                             "fair" if merged["overall"] >= engine.evaluation.FAIR else "weak")
    merged["summary"] = model["summary"][:600] or offline["summary"]
    return merged


def _evaluate(*, turn: InterviewTurn, answer: str, seconds, job_terms, user,
              spoken: MediaAsset | None = None) -> tuple[dict, str, str]:
    spec = turn.question.spec()
    options = {"asked_prompt": turn.prompt, "job_terms": job_terms, "duration_seconds": seconds,
               "focus_talking_point": turn.talking_point}
    if spoken is not None:
        offline = engine.evaluate_spoken(spec, answer, transcript_status=spoken.transcript_status,
                                         reason=(spoken.speaking or {}).get("explanation", ""),
                                         measures=spoken.speaking or {}, **options)
    else:
        offline = engine.evaluate(spec, answer, **options)
    if offline["status"] != "scored":
        return offline, "offline", ""  # nothing a model could judge either
    points = "\n".join(f"{i}. {p.text}" for i, p in enumerate(spec.talking_points))
    rubric = "\n".join(f"- {r.criterion} ({r.dimension}, weight {r.weight}): weak: {r.weak} | fair: {r.fair} | "
                       f"strong: {r.strong}" for r in spec.rubric)
    stream = _model_stream(session_id=turn.session_id, turn=turn.index, task="evaluation", field="summary")
    result = ai_complete(
        task="interview.evaluate", schema=EVALUATION_SCHEMA, user=user, offline=lambda: {"offline": True},
        on_token=stream,
        system="You evaluate one interview answer on relevance, depth, structure (STAR for behavioral "
               "questions), clarity and concision, 0-100 each. Quote the answer word for word as evidence. "
               "Use null for a dimension the answer gives no evidence for.",
        prompt=f"Question: {turn.prompt}\nTalking points:\n{points}\nRubric:\n{rubric}\nAnswer:\n{answer}")
    if stream is not None:
        stream.finish(used=not result.data.get("offline"))
    if result.data.get("offline"):
        return offline, "offline", result.fallback_reason
    # (the speaking measures are the media job's, kept whatever the model says about the words)
    return _merge_model_evaluation(offline, result.data, answer, spec), result.engine, ""


def _clean_answer(answer) -> str:
    if not isinstance(answer, str):
        raise ValidationFailed("An answer is text.", code="invalid_answer")
    if "\x00" in answer:
        raise ValidationFailed("An answer cannot contain binary data.", code="binary_answer")
    if len(answer) > ANSWER_MAX_CHARS:
        raise ValidationFailed(f"An answer is at most {ANSWER_MAX_CHARS} characters.", code="answer_too_long",
                               details={"max_characters": ANSWER_MAX_CHARS})
    if not answer.strip():
        raise ValidationFailed("The answer is empty: type or say something first.", code="empty_answer")
    return answer.strip()


def _turn_event(turn: InterviewTurn) -> dict:
    return selectors.turn_data(turn)


def _spoken_asset(*, user, media_id) -> MediaAsset:
    """The user's own finished recording to answer with. Someone else's (or an unknown) one is a
    404; one still processing is a conflict, a failed one is refused with the job's reason."""
    from core.media_selectors import media_get_for_user

    if isinstance(media_id, bool) or not isinstance(media_id, int):
        raise ValidationFailed("`media` is a recording's id.", code="invalid_media")
    asset = media_get_for_user(user=user, asset_id=media_id)
    if asset.status == MediaStatus.FAILED:
        raise ValidationFailed(f"That recording could not be processed: {asset.failure_reason}",
                               code="media_failed", details={"media": asset.id, "failure_code": asset.failure_code})
    if asset.status != MediaStatus.READY:
        raise Conflict("That recording is still being processed: answer with it once it is ready.",
                       code="media_not_ready", details={"media": asset.id, "status": asset.status})
    if not asset.transcribe or asset.transcript_status in ("not_requested", "no_audio"):
        raise ValidationFailed("That recording has no transcribed audio to answer with.", code="media_no_speech",
                               details={"media": asset.id, "transcript_status": asset.transcript_status})
    return asset


@transaction.atomic
def session_answer(*, user, session_id: int, answer=None, turn_index: int | None = None, source: str = "typed",
                   seconds: float | None = None,
                   media_id: int | None = None) -> tuple[InterviewTurn, InterviewTurn | None, InterviewSession]:
    """Store the answer to the open question, evaluate it, calibrate the question, and ask the
    next one (or finish when the interview is complete). The session row is locked first, so of
    two tabs answering at once exactly one counts; the other gets a conflict. Someone else's or an
    unknown session is a 404.

    With `media_id` (and no `answer`) the answer is spoken: the text is that recording's
    transcript, its speaking measures join the evaluation, and silent or
    unintelligible audio is judged "not enough evidence" with the recording's reason."""
    text = _clean_answer(answer) if media_id is None and answer is not None else ""
    session = lock_session_for_update(session_id)
    if session is None or session.user_id != user.id:
        raise NotFound("No such interview.")
    if (answer is None) == (media_id is None):
        raise ValidationFailed("Send one answer: typed text or a recording.", code="answer_or_media")
    if session.status != SessionStatus.ACTIVE:
        raise Conflict("This interview has ended.", code="interview_finished")
    turns = list(session.turns.select_related("question").order_by("index"))
    open_turn = next((t for t in turns if t.answered_at is None), None)
    if open_turn is None:
        raise Conflict("There is no open question.", code="no_open_question")
    if turn_index is not None and turn_index != open_turn.index:
        raise Conflict("That question was already answered (in another tab?).", code="already_answered",
                       details={"open_turn": open_turn.index})
    spoken = None
    if media_id is not None:
        spoken = _spoken_asset(user=user, media_id=media_id)
        if InterviewTurn.objects.filter(media=spoken).exists():
            raise Conflict("That recording already answers a question.", code="media_used",
                           details={"media": spoken.id})
        text = spoken.transcript.strip() if spoken.transcript_status == "transcribed" else ""
        seconds = (spoken.speaking or {}).get("speaking_seconds") or spoken.duration_seconds
        source = "spoken"
    evaluation, engine_name, fallback = _evaluate(turn=open_turn, answer=text, seconds=seconds,
                                                  job_terms=session.job_terms, user=user, spoken=spoken)
    open_turn.answer = text
    open_turn.answer_source = source if source in ("typed", "spoken") else "typed"
    open_turn.answer_seconds = seconds
    open_turn.media = spoken
    open_turn.evaluation = evaluation
    open_turn.overall = evaluation["overall"]
    open_turn.engine = engine_name
    open_turn.fallback_reason = fallback[:500]
    open_turn.answered_at = timezone.now()
    open_turn.save()
    if evaluation["overall"] is not None:
        _calibrate(session=session, question_id=open_turn.question_id, score=evaluation["overall"],
                   answered=sum(1 for t in turns if t.overall is not None))
    publish_on_commit(interview_group(session.pk), {"type": "interview.evaluation", "turn": _turn_event(open_turn)})
    following = _ask(session=session, turns=turns, user=user, last=open_turn.question, last_evaluation=evaluation,
                     last_was_follow_up=open_turn.kind == TurnKind.FOLLOW_UP)
    if following is None:
        session = _finish(session=session, user=user)
    else:
        publish_on_commit(interview_group(session.pk), {"type": "interview.question",
                                                        "turn": _turn_event(following)})
    return open_turn, following, session


def _calibrate(*, session: InterviewSession, question_id: int, score: int, answered: int) -> None:
    question = lock_question_for_update(question_id)
    if question is None:
        return
    prior = engine.calibration.PRIORS[question.difficulty]
    update = elo_update(question_rating=question.rating if question.rating is not None else prior,
                        question_answers=question.rated_answers, ability=session.ability,
                        ability_answers=answered, score=score)
    question.rating = round(update.question_rating, 1)
    question.rated_answers += 1
    question.save(update_fields=["rating", "rated_answers", "updated_at"])
    session.ability = round(update.ability, 1)
    session.save(update_fields=["ability", "updated_at"])


def _recommendations(session: InterviewSession, turns, report: dict) -> dict:
    from challenges.selectors import challenges_for_practice
    from resumes.ats import practice_topics
    from resumes.ontology import default_ontology

    weak_turns = [t for t in turns if t.overall is None or t.overall < 60]
    skills = list(dict.fromkeys([s for t in weak_turns for s in t.question.skills] + list(session.gap_skills)))
    asked = {t.question.slug for t in turns}
    questions = selectors.questions_for_skills(skills=skills, exclude=asked, limit=5)
    ontology = default_ontology()
    topics = practice_topics(skills, ontology) | {k for t in weak_turns for k in t.question.keywords}
    languages = [s for s in skills if (skill := ontology.get(s)) and skill.category == "language"]
    challenges = challenges_for_practice(topics=topics, languages=languages)[:5]
    return {"questions": [{"slug": q.slug, "prompt": q.prompt, "category": q.category} for q in questions],
            "challenges": [{"slug": c.slug, "title": c.title, "difficulty": c.difficulty} for c in challenges],
            "skills": skills[:10]}


def _finish(*, session: InterviewSession, user) -> InterviewSession:
    turns = list(session.turns.select_related("question").order_by("index"))
    answered = [t for t in turns if t.answered_at is not None]
    report = engine.build_report([{"slug": t.question.slug, "prompt": t.prompt, "kind": t.kind,
                                   "evaluation": t.evaluation} for t in answered])
    report["unanswered"] = len(turns) - len(answered)
    report["recommended"] = _recommendations(session, answered, report)
    session.report = report
    session.status = SessionStatus.FINISHED
    session.finished_at = timezone.now()
    session.save(update_fields=["report", "status", "finished_at", "updated_at"])
    event_record(actor=session.user, verb=analytics_verbs.INTERVIEW_COMPLETED, obj=session,
                 value=report.get("overall") or 0)
    if session.room is not None:
        from collaboration.services import room_end_for_owner

        # The code's replay ends with the interview: nothing typed after it belongs to it.
        room_end_for_owner(room=session.room, user=session.user)
    if answered:
        progress_record_event(user=session.user, event_type="interview.finished", xp=10 + 2 * len(answered),
                              source=session, value=report["overall"])
    publish_on_commit(interview_group(session.pk), {"type": "interview.finished", "session": session.pk,
                                                    "report_url": f"/interviews/{session.pk}/report/"})
    return session


@transaction.atomic
def session_end(*, user, session_id: int) -> InterviewSession:
    """End the interview (now, even with questions left) and write its report. Ending twice is
    a conflict, someone else's session a 404."""
    session = lock_session_for_update(session_id)
    if session is None or session.user_id != user.id:
        raise NotFound("No such interview.")
    if session.status != SessionStatus.ACTIVE:
        raise Conflict("This interview has already ended.", code="interview_finished")
    return _finish(session=session, user=user)


@transaction.atomic
def session_share_set(*, user, session_id: int, shared: bool) -> InterviewSession:
    """Share a finished interview's report by an unguessable link, or revoke the link (a new
    share makes a new link: the old one never works again)."""
    session = lock_session_for_update(session_id)
    if session is None or session.user_id != user.id:
        raise NotFound("No such interview.")
    if session.status != SessionStatus.FINISHED:
        raise Conflict("Only a finished interview can be shared.", code="not_finished")
    session.share_token = secrets.token_urlsafe(24) if shared else None
    session.save(update_fields=["share_token", "updated_at"])
    audit_record(action="interviews.report_shared" if shared else "interviews.report_unshared", actor=user,
                 target=session)
    return session


@transaction.atomic
def session_recording_attach(*, user, session_id: int, media_id) -> InterviewSession:
    """Keep an uploaded recording of the whole interview (purpose "interview_session") with the
    session: the report plays it once its media job is done. The session is the user's own, active
    or just finished (the browser uploads when the interview ends); one recording per session."""
    from core.media_selectors import media_get_for_user

    session = lock_session_for_update(session_id)
    if session is None or session.user_id != user.id:
        raise NotFound("No such interview.")
    if isinstance(media_id, bool) or not isinstance(media_id, int):
        raise ValidationFailed("`media` is a recording's id.", code="invalid_media")
    asset = media_get_for_user(user=user, asset_id=media_id)
    if asset.purpose != "interview_session":
        raise ValidationFailed("That upload is not a recording of an interview session.", code="media_wrong_purpose",
                               details={"media": asset.id, "purpose": asset.purpose})
    if session.recording_id == asset.id:
        return session
    if session.recording_id is not None:
        raise Conflict("This interview already has a recording.", code="recording_exists",
                       details={"media": session.recording_id})
    if InterviewSession.objects.filter(recording=asset).exists():
        raise Conflict("That recording already belongs to another interview.", code="media_used",
                       details={"media": asset.id})
    session.recording = asset
    session.save(update_fields=["recording", "updated_at"])
    return session


@transaction.atomic
def session_delete(*, user, session_id: int) -> None:
    """Delete one of the user's interviews with everything recorded in it: its turns, the whole
    session's recording and the spoken answers' recordings (their files go after commit)."""
    from core.media_services import media_delete

    session = lock_session_for_update(session_id)
    if session is None or session.user_id != user.id:
        raise NotFound("No such interview.")
    media_ids = set(session.turns.filter(media__isnull=False).values_list("media_id", flat=True))
    if session.recording_id is not None:
        media_ids.add(session.recording_id)
    assets = list(MediaAsset.objects.filter(id__in=media_ids, owner=user))
    audit_record(action="interviews.session_deleted", actor=user, target=session)
    session.delete()
    for asset in assets:
        media_delete(asset=asset)
