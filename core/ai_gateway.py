"""The AI gateway: one interface, two engines.

Callers describe a task with a JSON schema for the answer and an offline function that computes
the answer from rules (deterministic, with the evidence it used). When `AI_BASE_URL` names an
OpenAI-compatible endpoint, the model is asked first for JSON; its answer is validated against the
schema. Any failure (network, timeout, error status, malformed or invalid JSON) falls back to the
offline engine, and the result says why. Every call is recorded (`AICall`) for staff."""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import jsonschema
from django.conf import settings

from . import metrics

logger = logging.getLogger(__name__)

OFFLINE = "offline"
OPENAI = "openai-compatible"


@dataclass
class AIResult:
    data: dict
    engine: str
    fallback_reason: str = ""
    latency_ms: int = 0
    model: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def fell_back(self) -> bool:
        return bool(self.fallback_reason)


class AIFailure(Exception):
    pass


def _client():
    from openai import OpenAI

    return OpenAI(base_url=settings.AI_BASE_URL, api_key=settings.AI_API_KEY or "not-needed",
                  timeout=settings.AI_TIMEOUT_SECONDS, max_retries=settings.AI_MAX_RETRIES)


# The same client for the other endpoints of the service (core.speech_gateway: /audio/transcriptions).
model_client = _client


def _ask_model(*, system: str, prompt: str, schema: dict) -> tuple[dict, str]:
    try:
        response = _client().chat.completions.create(
            model=settings.AI_MODEL,
            messages=[
                {"role": "system", "content": system + "\nAnswer with one JSON object that matches this JSON "
                                                       "schema, and nothing else:\n" + json.dumps(schema)},
                {"role": "user", "content": prompt},
            ],
            response_format={"type": "json_object"},
            temperature=0.2,
        )
    except Exception as error:  # openai raises many kinds: all mean "the model did not answer"
        raise AIFailure(f"{type(error).__name__}: {error}"[:300]) from error
    try:
        content = response.choices[0].message.content or ""
    except (AttributeError, IndexError, TypeError) as error:
        raise AIFailure("the answer had no message") from error
    try:
        data = json.loads(_strip_fences(content))
    except ValueError as error:
        raise AIFailure(f"the answer was not JSON: {content[:80]!r}") from error
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        raise AIFailure(f"the answer did not match the schema: {error.message[:200]}") from error
    return data, getattr(response, "model", settings.AI_MODEL) or settings.AI_MODEL


def _strip_fences(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.strip("`")
        if text.lower().startswith("json"):
            text = text[4:]
    return text.strip()


def ai_complete(*, task: str, schema: dict, offline: Callable[[], dict], system: str = "", prompt: str = "",
                user=None) -> AIResult:
    """Answer `task` with the model when one is configured, else (or on any failure) offline."""
    started = time.perf_counter()
    if settings.AI_BASE_URL:
        try:
            data, model = _ask_model(system=system, prompt=prompt, schema=schema)
        except AIFailure as failure:
            result = AIResult(offline(), OFFLINE, fallback_reason=str(failure))
            logger.warning("AI task %s fell back to the offline engine: %s", task, failure)
        else:
            result = AIResult(data, OPENAI, model=model)
    else:
        result = AIResult(offline(), OFFLINE)
    result.latency_ms = int((time.perf_counter() - started) * 1000)
    metrics.AI_CALLS.labels(task, "fallback" if result.fell_back else result.engine).inc()
    _record(task, result, user)
    return result


def _record(task: str, result: AIResult, user) -> None:
    from core.models import AICall

    AICall.objects.create(task=task[:64], engine=result.engine, model=result.model[:100],
                          fallback_reason=result.fallback_reason[:500], latency_ms=result.latency_ms,
                          user=user if user is not None and getattr(user, "is_authenticated", False) else None)
