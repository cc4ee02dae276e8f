"""Which judge this site uses, chosen once per process from the settings:

1. `PISTON_URL` set: a remote Piston-compatible executor;
2. bubblewrap installed: the local sandbox;
3. otherwise the rlimit-only runner, only where `JUDGE_ALLOW_UNSAFE` (DEBUG by default) allows it.
"""

from functools import lru_cache

from django.conf import settings

from core.exceptions import ApplicationError

from .judge import Judge, RlimitSandbox, Runtime, bwrap_path, detect_runtimes
from .judge.remote import RemoteJudge
from .judge.slots import SlotPool


class JudgeUnavailable(ApplicationError):
    code = "judge_unavailable"
    status_code = 503
    default_message = "Code execution is not available on this server."


@lru_cache(maxsize=1)
def get_judge():
    if settings.PISTON_URL:
        return RemoteJudge(settings.PISTON_URL)
    slots = SlotPool(settings.JUDGE_CONCURRENCY)
    if bwrap_path():
        return Judge(slots=slots)
    if settings.JUDGE_ALLOW_UNSAFE:
        return Judge(sandbox_factory=lambda uid: RlimitSandbox(run_as_uid=uid), slots=slots)
    return None


def require_judge():
    judge = get_judge()
    if judge is None:
        raise JudgeUnavailable(
            "Code execution needs bubblewrap (apt-get install bubblewrap) or a PISTON_URL; "
            "the unsafe runner is refused with DEBUG off."
        )
    return judge


def judge_status() -> dict:
    """For the pages: is code execution safe here?"""
    judge = get_judge()
    if judge is None:
        return {"available": False, "isolated": False, "name": "none"}
    return {"available": True, "isolated": judge.isolated, "name": judge.sandbox_name}


SOURCE_FILES = {"python": "main.py", "javascript": "main.js", "c": "main.c", "cpp": "main.cpp",
                "java": "Main.java"}


def available_runtimes() -> dict[str, Runtime]:
    """Languages users can pick: what is installed here, or what the remote executor offers."""
    if not settings.PISTON_URL:
        return detect_runtimes()
    return {
        r["language"]: Runtime(r["language"], r["version"], tuple(r.get("aliases", [])),
                               SOURCE_FILES.get(r["language"], "main"), run=())
        for r in get_judge().runtimes
    }


class UnknownLanguage(ApplicationError):
    code = "unknown_language"
    default_message = "That language is not available."


def runtime_for(language: str) -> Runtime:
    name = (language or "").strip().lower()
    for runtime in available_runtimes().values():
        if name == runtime.language or name in runtime.aliases:
            return runtime
    raise UnknownLanguage(f"{language!r} is not available here. Available: "
                          f"{', '.join(sorted(available_runtimes()))}.")
