"""Parses one resume in a child process: bytes on stdin, JSON on stdout. The parent sets CPU,
memory and file limits, so that a hostile file (a decompression bomb, a pathological PDF) can
only take down this process, never the worker. No Django here.

`python -m resumes.parse_worker --summary FILE` reads a file from disk instead and prints what
`manage.py parse_resume --json` prints (the corpus scorer's shape), without starting Django: the
corpus test scores every real resume through it."""

import json
import sys
from dataclasses import asdict


def read(data: bytes) -> dict:
    from resumes.content import from_parsed
    from resumes.parsing import UnreadableDocument, parse_resume

    try:
        parsed = parse_resume(data)
    except UnreadableDocument as error:
        return {"ok": False, "code": error.code, "message": error.message}
    report = asdict(parsed.format)
    return {
        "ok": True, "kind": parsed.format.file_type, "text": parsed.text,
        "content": from_parsed(parsed),
        "parsed": {"format": report, "years_of_experience": parsed.years_of_experience,
                   "skills": [{"name": s.name, "skill_id": s.skill_id, "listed": s.listed}
                              for s in parsed.skills], "achievements": [a.text for a in parsed.achievements],
                   "sections": sorted(parsed.sections)},
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--summary"] and len(argv) == 2:
        from resumes.content import parsed_summary

        result = read(open(argv[1], "rb").read())
        if not result["ok"]:
            print(f"{argv[1]}: {result['message']}", file=sys.stderr)
            return 1
        json.dump(parsed_summary(result["content"], result["parsed"]["sections"]), sys.stdout,
                  ensure_ascii=False, default=str)
        return 0
    json.dump(read(sys.stdin.buffer.read()), sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
