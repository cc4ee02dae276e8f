"""A Piston-compatible API (`/api/v2/piston/`), so that existing Piston clients work unchanged.
Errors here answer Piston's own shape, `{"message": ...}`, since that is what its clients read."""

import signal as signals

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError

from . import services
from .judge import MAXIMUM, ExecutionResult, Limits, Status
from .judge_gateway import available_runtimes, require_judge

DEFAULT = Limits()


class PistonFile(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    content = serializers.CharField(trim_whitespace=False, allow_blank=True, max_length=200_000)


class PistonExecuteInput(serializers.Serializer):
    language = serializers.CharField(max_length=40)
    version = serializers.CharField(max_length=40, required=False, default="*")
    files = PistonFile(many=True)
    stdin = serializers.CharField(trim_whitespace=False, allow_blank=True, required=False, default="",
                                  max_length=2_000_000)
    args = serializers.ListField(child=serializers.CharField(max_length=1000), required=False, default=list,
                                 max_length=64)
    compile_timeout = serializers.IntegerField(required=False, default=int(MAXIMUM.wall_time * 1000))
    run_timeout = serializers.IntegerField(required=False, default=int(DEFAULT.wall_time * 1000))
    compile_cpu_time = serializers.IntegerField(required=False)
    run_cpu_time = serializers.IntegerField(required=False)
    compile_memory_limit = serializers.IntegerField(required=False, default=-1)
    run_memory_limit = serializers.IntegerField(required=False, default=-1)


def _stage(result: ExecutionResult, verdict_status: str | None = None) -> dict:
    stdout = result.stdout.decode("utf-8", errors="replace")
    stderr = result.stderr.decode("utf-8", errors="replace")
    status = None if result.status == Status.OK else result.status
    if status == Status.MEMORY_LIMIT:  # Piston has no memory status: the program was killed
        status = "SG"
    name = None
    if result.signal is not None:
        try:
            name = signals.Signals(result.signal).name
        except ValueError:
            name = str(result.signal)
    return {
        "stdout": stdout, "stderr": stderr, "output": stdout + stderr,
        "code": result.exit_code, "signal": name, "message": result.message or None, "status": status,
        "cpu_time": round(result.cpu_time * 1000), "wall_time": round(result.wall_time * 1000),
        "memory": result.memory,
    }


def _message(text: str, status: int = 400) -> Response:
    return Response({"message": text}, status=status)


class PistonMessage(serializers.Serializer):
    message = serializers.CharField()


class PistonRuntimesApi(APIView):
    @extend_schema(responses=inline_serializer("PistonRuntime", {
        "language": serializers.CharField(), "version": serializers.CharField(),
        "aliases": serializers.ListField(child=serializers.CharField())}, many=True),
        operation_id="piston_runtimes")
    def get(self, request):
        return Response([{"language": r.language, "version": r.version, "aliases": list(r.aliases)}
                         for r in available_runtimes().values()])


class PistonExecuteApi(APIView):
    error_serializer = PistonMessage  # how the schema documents its 400s (core.api_schema)
    throttle_scope = "runs"

    @extend_schema(request=PistonExecuteInput, responses=inline_serializer("PistonResult", {
        "language": serializers.CharField(), "version": serializers.CharField(),
        "run": serializers.DictField(), "compile": serializers.DictField(required=False)}),
        operation_id="piston_execute")
    def post(self, request):
        data = PistonExecuteInput(data=request.data)
        if not data.is_valid():
            field, problems = next(iter(data.errors.items()))
            return _message(f"{field}: {problems[0] if isinstance(problems, list) else problems}")
        body = data.validated_data
        runtimes = available_runtimes()
        runtime = next((r for r in runtimes.values()
                        if body["language"].lower() in (r.language, *r.aliases)), None)
        if runtime is None or (body["version"] not in ("*", "") and not runtime.version.startswith(body["version"])):
            return _message(f"{body['language']}-{body['version']} runtime is unknown")
        if not body["files"]:
            return _message("files: at least one file is required")
        if len(body["files"]) > 1:
            return _message("files: only single-file programs are supported")
        limits, error = self._limits(body)
        if error:
            return _message(error)
        try:
            services.source_validate(challenge=None, language=runtime.language, source=body["files"][0]["content"])
            compiled, run = require_judge().execute(runtime, body["files"][0]["content"], body["stdin"], limits,
                                                    args=body["args"])
        except ApplicationError as error:
            return _message(error.message, status=error.status_code)
        answer = {"language": runtime.language, "version": runtime.version}
        if compiled is not None:
            answer["compile"] = _stage(compiled.execution)
        if run is not None:
            answer["run"] = _stage(run)
        else:
            answer["run"] = {"stdout": "", "stderr": "", "output": "", "code": None, "signal": None,
                             "message": "compilation failed", "status": None, "cpu_time": 0,
                             "wall_time": 0, "memory": 0}
        return Response(answer)

    def _limits(self, body) -> tuple[Limits | None, str | None]:
        run_timeout = body["run_timeout"]
        memory = body["run_memory_limit"]
        cpu = body.get("run_cpu_time")
        if run_timeout <= 0 or run_timeout > MAXIMUM.wall_time * 1000:
            return None, f"run_timeout cannot exceed the configured limit of {int(MAXIMUM.wall_time * 1000)}"
        if body["compile_timeout"] <= 0 or body["compile_timeout"] > MAXIMUM.wall_time * 1000:
            return None, f"compile_timeout cannot exceed the configured limit of {int(MAXIMUM.wall_time * 1000)}"
        if memory != -1 and (memory <= 0 or memory > MAXIMUM.memory):
            return None, f"run_memory_limit cannot exceed the configured limit of {MAXIMUM.memory}"
        if body["compile_memory_limit"] not in (-1,) and body["compile_memory_limit"] > MAXIMUM.memory:
            return None, f"compile_memory_limit cannot exceed the configured limit of {MAXIMUM.memory}"
        if cpu is not None and (cpu <= 0 or cpu > MAXIMUM.cpu_time * 1000):
            return None, f"run_cpu_time cannot exceed the configured limit of {int(MAXIMUM.cpu_time * 1000)}"
        wall = run_timeout / 1000
        return DEFAULT.scaled(
            wall_time=wall, cpu_time=(cpu / 1000) if cpu else min(wall, MAXIMUM.cpu_time),
            memory=DEFAULT.memory if memory == -1 else memory,
        ), None
