"""Logging: JSON lines in production (one object per line, for a log shipper), readable text in
development, both through structlog so that every line, ours or Django's or Celery's, carries the
request id and user id bound in core.request_context. Nothing secret reaches a log: values of keys
that name a secret are replaced, and tokens, bearer credentials and passwords are masked inside
messages too. Resume contents are never logged by the code in the first place."""

import re
from typing import Any

import structlog
from structlog.typing import Processor

# Keys whose values are secret. Matched on whole words of the key ("passed" and "description"
# are not secrets; "password", "api_key" and "X-Session-Token" are).
SECRET_WORDS = {"password", "passwd", "pwd", "pass", "secret", "token", "tokens", "authorization", "cookie",
                "cookies", "sessionid", "credential", "credentials", "otp", "dsn", "apikey", "jwt", "csrftoken"}
SECRET_PAIRS = {("api", "key"), ("session", "key"), ("private", "key"), ("secret", "key"), ("signing", "key"),
                ("access", "key"), ("recovery", "codes"), ("code", "verifier")}


def is_secret_key(name: str) -> bool:
    words = [word for word in re.split(r"[^a-z0-9]+", str(name).lower()) if word]
    pairs = zip(words, words[1:], strict=False)
    return any(word in SECRET_WORDS for word in words) or any(pair in SECRET_PAIRS for pair in pairs)


MASK = "[redacted]"
# A JWT (three base64url parts), a bearer or basic credential, `password=...` in a query string.
SECRET_PATTERNS = [
    (re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), MASK),
    (re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    (re.compile(r"(?i)((?:^|[?&;\s])[\w.-]*(?:pass(?:word)?|secret|token|api_key|key|code)=)[^&;\s\"']+"),
     r"\1" + MASK),
]


def _mask_text(text: str) -> str:
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_secrets(_, __, event_dict: dict) -> dict:
    for key, value in list(event_dict.items()):
        if key in ("event", "exception"):
            if isinstance(value, str):
                event_dict[key] = _mask_text(value)
        elif is_secret_key(key):
            event_dict[key] = MASK
        elif isinstance(value, str):
            event_dict[key] = _mask_text(value)
    return event_dict


SHARED_PROCESSORS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog() -> None:
    structlog.configure(
        processors=[*SHARED_PROCESSORS, structlog.stdlib.PositionalArgumentsFormatter(),
                    structlog.processors.StackInfoRenderer(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_settings(*, json_lines: bool, level: str, quiet: dict[str, str]) -> dict:
    """The LOGGING dict for Django: every record, from structlog or the standard library, goes
    through the same processors and one renderer."""
    # Plain tracebacks, whatever is installed: structlog prefers rich's when rich is importable
    # (a test dependency pulls it in), and those print every frame's local variables, which can
    # hold passwords and tokens, and take a second or more per logged 403 or 404.
    renderer = (structlog.processors.JSONRenderer() if json_lines
                else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback))
    final: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta, redact_secrets]
    if json_lines:
        final.append(structlog.processors.format_exc_info)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [*final, renderer],
                "foreign_pre_chain": [*SHARED_PROCESSORS, structlog.stdlib.ExtraAdder()],
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        # Django's own default config gives its "django" logger a plain console handler: without
        # this, each of its lines would be printed twice (plain, then structured by the root).
        "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True},
                    **{name: {"level": value} for name, value in quiet.items()}},
    }


def get_logger(name: str):
    return structlog.get_logger(name)

