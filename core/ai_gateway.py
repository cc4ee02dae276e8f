"""The AI gateway: one interface, two engines.

Callers describe a task with a JSON schema for the answer and an offline function that computes
the answer from rules (deterministic, with the evidence it used). When `AI_BASE_URL` names an
OpenAI-compatible endpoint, the model is asked first for JSON; its answer is validated against the
schema. Any failure (network, timeout, error status, malformed or invalid JSON) falls back to the
offline engine, and the result says why. Every call is recorded (`AICall`) for staff.

With `on_token`, the model is asked to stream (`stream=True`, server-sent events): each piece of
text is handed to `on_token` as it arrives (for a page to show), and the whole answer is then
validated exactly as an unstreamed one; the offline engine never calls it. An endpoint that ignores
`stream=True` and answers one JSON body (some self-hosted servers do) is read as an unstreamed
answer, its whole text handed to `on_token` at once."""

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
# A streamed answer may take this many times AI_TIMEOUT_SECONDS in all (the timeout itself bounds
# each wait for the next piece).
STREAM_TOTAL_TIMEOUT_FACTOR = 3


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


def _unstreamed_content(completion: dict) -> tuple[str, str]:
    """The text and model of a whole chat completion (as the API's JSON)."""
    try:
        content = completion["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError) as error:
        raise AIFailure("the answer had no message") from error
    if not isinstance(content, str):
        raise AIFailure("the answer had no message")
    return content, str(completion.get("model") or "")


def _streamed_content(stream, on_token: Callable[[str], None]) -> tuple[str, str]:
    """The text of a streamed answer, each piece handed to `on_token` as it comes; and its model."""
    http_response = stream.response
    if "event-stream" not in http_response.headers.get("content-type", ""):
        # The endpoint ignored `stream=True`: one whole answer, not events (which would read as none).
        try:
            completion = json.loads(http_response.read())
        except ValueError as error:
            raise AIFailure("the unstreamed answer was not JSON") from error
        finally:
            stream.close()
        content, model = _unstreamed_content(completion)
        if content:
            on_token(content)
        return content, model
    deadline = time.monotonic() + settings.AI_TIMEOUT_SECONDS * STREAM_TOTAL_TIMEOUT_FACTOR
    parts: list[str] = []
    model = ""
    for chunk in stream:
        model = model or getattr(chunk, "model", "") or ""
        choices = getattr(chunk, "choices", None) or []
        piece = (getattr(getattr(choices[0], "delta", None), "content", None) or "") if choices else ""
        if piece:
            parts.append(piece)
            on_token(piece)
        if time.monotonic() > deadline:
            stream.close()
            raise AIFailure(f"the streamed answer took longer than "
                            f"{settings.AI_TIMEOUT_SECONDS * STREAM_TOTAL_TIMEOUT_FACTOR:g} s")
    return "".join(parts), model


def _ask_model(*, system: str, prompt: str, schema: dict,
               on_token: Callable[[str], None] | None = None) -> tuple[dict, str]:
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
            stream=on_token is not None,
        )
        if on_token is not None:
            content, streamed_model = _streamed_content(response, on_token)
    except AIFailure:
        raise
    except Exception as error:  # openai raises many kinds: all mean "the model did not answer"
        raise AIFailure(f"{type(error).__name__}: {error}"[:300]) from error
    if on_token is None:
        try:
            content = response.choices[0].message.content or ""
        except (AttributeError, IndexError, TypeError) as error:
            raise AIFailure("the answer had no message") from error
        streamed_model = getattr(response, "model", "")
    if not content.strip():
        raise AIFailure("the answer was empty")
    try:
        data = json.loads(_strip_fences(content))
    except ValueError as error:
        raise AIFailure(f"the answer was not JSON: {content[:80]!r}") from error
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        raise AIFailure(f"the answer did not match the schema: {error.message[:200]}") from error
    return data, streamed_model or settings.AI_MODEL


def _strip_fences(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.strip("`")
        if text.lower().startswith("json"):
            text = text[4:]
    return text.strip()


def ai_complete(*, task: str, schema: dict, offline: Callable[[], dict], system: str = "", prompt: str = "",
                user=None, on_token: Callable[[str], None] | None = None) -> AIResult:
    """Answer `task` with the model when one is configured, else (or on any failure) offline.
    `on_token` streams the model's answer as it is written (see the module's docstring)."""
    started = time.perf_counter()
    if settings.AI_BASE_URL:
        try:
            data, model = _ask_model(system=system, prompt=prompt, schema=schema, on_token=on_token)
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
