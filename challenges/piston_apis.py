"""A Piston-compatible API (`/api/v2/piston/`), so that existing Piston clients work unchanged.

It follows Piston v2's `execute`: `files[]` (the first utf8 file is the entry point, the others are
written beside it, base64 and hex contents decoded), `version` as a node-semver selector, stages
with `stdout`, `stderr` and `output` (both streams in the order they came), and a failed compile
answered with its compile stage (also given as `run`, as Piston does, and nothing run).
Every error answers Piston's own shape, `{"message": ...}`, since that is what its clients read."""

import base64
import binascii
import re
import signal as signals
from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError, api_exception_handler

from . import services
from .judge import MAXIMUM, BadFile, ExecutionResult, Limits, SourceFile, Status, select_runtime
from .judge.remote import RemoteError
from .judge.slots import NoFreeSlot
from .judge_gateway import available_runtimes, require_judge

DEFAULT = Limits()
MAX_FILES_BYTES = 1024 * 1024  # all files together, decoded
KILLED_BY_US = (Status.TIMED_OUT, Status.OUTPUT_LIMIT, Status.ERROR_LIMIT)


def piston_exception_handler(exc, context):
    """The project's handler, reshaped to Piston's `{"message": ...}` (401, 404, 405, 415, 429...)."""
    response = api_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "error" in response.data:
        response.data = {"message": response.data["error"]["message"]}
    return response


class PistonApi(APIView):
    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return piston_exception_handler


def _message(text: str, status: int = 400) -> Response:
    return Response({"message": text}, status=status)


# Piston's wordings; FIELD becomes the field's path (`files[0].content`) in `_first_error`.
AS_STRING: dict[str, Any] = {key: "FIELD is required as a string" for key in ("required", "invalid", "null", "blank")}
AS_ARRAY: dict[str, Any] = {key: "FIELD is required as an array" for key in ("required", "not_a_list", "null")}
AS_NUMBER: dict[str, Any] = {"invalid": "If specified, FIELD must be a number"}


class PistonFile(serializers.Serializer):
    default_error_messages = {"invalid": "FIELD.content is required as a string"}  # not an object

    name = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    content = serializers.CharField(trim_whitespace=False, allow_blank=True, max_length=2_000_000,
                                    error_messages=AS_STRING)
    encoding = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)


class PistonExecuteInput(serializers.Serializer):
    language = serializers.CharField(max_length=40, error_messages=AS_STRING)
    version = serializers.CharField(max_length=100, required=False, default="*", error_messages=AS_STRING)
    files = PistonFile(many=True, error_messages=AS_ARRAY)
    stdin = serializers.CharField(trim_whitespace=False, allow_blank=True, allow_null=True, required=False,
                                  default="", max_length=2_000_000)
    args = serializers.ListField(child=serializers.CharField(max_length=1000, trim_whitespace=False),
                                 required=False, default=list, max_length=64)
    compile_timeout = serializers.FloatField(required=False, allow_null=True, error_messages=AS_NUMBER)
    run_timeout = serializers.FloatField(required=False, allow_null=True, error_messages=AS_NUMBER)
    compile_cpu_time = serializers.FloatField(required=False, allow_null=True, error_messages=AS_NUMBER)
    run_cpu_time = serializers.FloatField(required=False, allow_null=True, error_messages=AS_NUMBER)
    compile_memory_limit = serializers.FloatField(required=False, allow_null=True,
                                                  error_messages=AS_NUMBER)
    run_memory_limit = serializers.FloatField(required=False, allow_null=True,
                                              error_messages=AS_NUMBER)


def _first_error(errors, path: str = "") -> str:
    """One message, Piston style, for the first problem: `files[0].content is required as a string`."""
    if isinstance(errors, dict):
        key, value = next(iter(errors.items()))
        if key == "non_field_errors":
            return _first_error(value, path)
        if isinstance(key, int):  # a list's item
            return _first_error(value, f"{path}[{key}]")
        return _first_error(value, f"{path}.{key}" if path else key)
    if isinstance(errors, list):
        index, value = next((i, v) for i, v in enumerate(errors) if v)
        return _first_error(value, f"{path}[{index}]" if isinstance(value, dict) else path)
    text = str(errors)
    if "FIELD" in text:
        return text.replace("FIELD", path)
    return f"{path}: {text}" if path else text


# Piston's limits (milliseconds and bytes) and ours, for the checks it makes on each.
CONFIGURED = {
    "run_timeout": MAXIMUM.wall_time * 1000, "compile_timeout": MAXIMUM.wall_time * 1000,
    "run_cpu_time": MAXIMUM.cpu_time * 1000, "compile_cpu_time": MAXIMUM.cpu_time * 1000,
    "run_memory_limit": MAXIMUM.memory, "compile_memory_limit": MAXIMUM.memory,
}


def _limits(body) -> Limits:
    """Piston's checks, in its order; 0 or null means "the default"; -1 memory means "no limit of
    yours" (ours then)."""
    for name, configured in CONFIGURED.items():
        value = body.get(name)
        if not value or (name.endswith("memory_limit") and value == -1):
            continue
        if value > configured:
            raise ApplicationError(f"{name} cannot exceed the configured limit of {int(configured)}")
        if value < 0:
            raise ApplicationError(f"{name} must be non-negative")
    wall = (body.get("run_timeout") or DEFAULT.wall_time * 1000) / 1000
    cpu = body.get("run_cpu_time")
    memory = body.get("run_memory_limit")
    return DEFAULT.scaled(
        wall_time=wall, cpu_time=(cpu / 1000) if cpu else min(wall, MAXIMUM.cpu_time),
        memory=int(memory) if memory and memory > 0 else DEFAULT.memory,
    )


def _decoded(file: dict, index: int) -> bytes:
    """Contents as Piston reads them: base64 (standard or URL-safe, padding optional), hex, or utf8."""
    content, encoding = file["content"], file.get("encoding")
    try:
        if encoding == "base64":
            cleaned = re.sub(r"[^A-Za-z0-9+/]", "", content.replace("-", "+").replace("_", "/"))
            return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        if encoding == "hex":
            return bytes.fromhex(content)
    except (binascii.Error, ValueError) as error:
        raise ApplicationError(f"files[{index}].content is not valid {encoding}") from error
    return content.encode("utf-8", errors="surrogatepass")


def _is_utf8(file: dict) -> bool:
    return file.get("encoding") not in ("base64", "hex")


def _program(body) -> tuple[dict, list[SourceFile]]:
    """The entry point (the first utf8 file) and every other file, decoded and named as Piston names them."""
    files = body["files"]
    entry_index = next((i for i, f in enumerate(files) if _is_utf8(f)), None)
    if entry_index is None:
        raise ApplicationError("files must include at least one utf8 encoded file")
    others, total = [], len(files[entry_index]["content"].encode("utf-8", errors="surrogatepass"))
    for index, file in enumerate(files):
        if index == entry_index:
            continue
        content = _decoded(file, index)
        total += len(content)
        others.append(SourceFile(file.get("name") or f"file{index}.code", content))
    if total > MAX_FILES_BYTES:
        raise ApplicationError(f"files are {total:,} bytes together; the limit is {MAX_FILES_BYTES:,}")
    return files[entry_index], others


def _signal_name(number: int | None) -> str | None:
    if number is None:
        return None
    try:
        return signals.Signals(number).name
    except ValueError:
        return str(number)


def _stage(result: ExecutionResult) -> dict:
    status, code, signal = (None if result.status == Status.OK else result.status), result.exit_code, \
        _signal_name(result.signal)
    if status in KILLED_BY_US:  # Piston kills the run at these limits, and says so
        code, signal = None, "SIGKILL"
    elif status == Status.MEMORY_LIMIT:  # Piston has no memory status: killed, or failed on its own
        status = "SG" if signal else "RE"
    return {
        "stdout": result.stdout.decode("utf-8", errors="replace"),
        "stderr": result.stderr.decode("utf-8", errors="replace"),
        "output": result.output.decode("utf-8", errors="replace"),
        "code": code, "signal": signal, "message": result.message or None, "status": status,
        "cpu_time": round(result.cpu_time * 1000), "wall_time": round(result.wall_time * 1000),
        "memory": result.memory,
    }


STAGE = type(inline_serializer("PistonStage", {
    "stdout": serializers.CharField(), "stderr": serializers.CharField(),
    "output": serializers.CharField(help_text="stdout and stderr together, in the order written"),
    "code": serializers.IntegerField(allow_null=True), "signal": serializers.CharField(allow_null=True),
    "message": serializers.CharField(allow_null=True), "status": serializers.CharField(allow_null=True),
    "cpu_time": serializers.IntegerField(), "wall_time": serializers.IntegerField(),
    "memory": serializers.IntegerField(allow_null=True, help_text="bytes; null when not measured")}))


class PistonMessage(serializers.Serializer):
    message = serializers.CharField()


MESSAGE = PistonMessage


class PistonRuntimesApi(PistonApi):
    error_serializer = PistonMessage  # how the schema documents its errors (core.api_schema)

    @extend_schema(responses=inline_serializer("PistonRuntime", {
        "language": serializers.CharField(), "version": serializers.CharField(),
        "aliases": serializers.ListField(child=serializers.CharField())}, many=True),
        operation_id="piston_runtimes")
    def get(self, request):
        return Response([{"language": r.language, "version": r.version, "aliases": list(r.aliases)}
                         for r in available_runtimes().values()])


class PistonExecuteApi(PistonApi):
    error_serializer = PistonMessage  # how the schema documents its errors (core.api_schema)
    throttle_scope = "runs"

    @extend_schema(request=PistonExecuteInput, responses={
        200: inline_serializer("PistonResult", {
            "language": serializers.CharField(), "version": serializers.CharField(),
            "run": STAGE(), "compile": STAGE(required=False)}),
        400: MESSAGE, 401: MESSAGE, 415: MESSAGE, 429: MESSAGE}, operation_id="piston_execute")
    def post(self, request):
        if not (request.content_type or "").startswith("application/json"):
            return _message("requests must be of type application/json", status=415)
        data = PistonExecuteInput(data=request.data)
        if not data.is_valid():
            return _message(_first_error(data.errors))
        body = data.validated_data
        runtime = select_runtime(available_runtimes().values(), body["language"], body["version"])
        if runtime is None:
            return _message(f"{body['language']}-{body['version']} runtime is unknown")
        try:
            entry, others = _program(body)
            limits = _limits(body)
            services.source_validate(challenge=None, language=runtime.language, source=entry["content"])
            stdin = body["stdin"] or ""
            if not stdin.endswith("\n"):  # Piston ends stdin with a newline
                stdin += "\n"
            compiled, run = require_judge().execute(
                runtime, entry["content"], stdin, limits, args=body["args"],
                entry_name=entry.get("name") or None, files=others)
        except ApplicationError as error:
            return _message(error.message, status=error.status_code)
        except BadFile as error:
            return _message(str(error))
        except NoFreeSlot:
            return _message("every sandbox is busy; try again in a moment", status=503)
        except RemoteError as error:
            return _message(str(error), status=502)
        answer = {"language": runtime.language, "version": runtime.version}
        if compiled is not None:
            answer["compile"] = _stage(compiled.execution)
        # Like Piston: when the compile failed nothing runs, and `run` is the compile stage.
        answer["run"] = _stage(run) if run is not None else answer["compile"]
        return Response(answer)


class PistonNotFoundApi(PistonApi):
    """Anything else under /api/v2/piston/: Piston's 404, without asking who is calling."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []
    schema = None  # not an endpoint

    def _not_found(self, request, *args, **kwargs):
        return _message("Not Found", status=404)

    get = post = put = patch = delete = _not_found
