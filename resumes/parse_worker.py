"""Parses one resume in a child process: bytes on stdin, JSON on stdout. The parent sets CPU,
memory and file limits, so that a hostile file (a decompression bomb, a pathological PDF) can
only take down this process, never the worker. No Django here."""

import json
import sys
from dataclasses import asdict


def main() -> int:
    from resumes.content import from_parsed
    from resumes.parsing import UnreadableDocument, parse_resume

    data = sys.stdin.buffer.read()
    try:
        parsed = parse_resume(data)
    except UnreadableDocument as error:
        json.dump({"ok": False, "code": error.code, "message": error.message}, sys.stdout)
        return 0
    report = asdict(parsed.format)
    json.dump({
        "ok": True, "kind": parsed.format.file_type, "text": parsed.text,
        "content": from_parsed(parsed),
        "parsed": {"format": report, "years_of_experience": parsed.years_of_experience,
                   "skills": [{"name": s.name, "skill_id": s.skill_id, "listed": s.listed}
                              for s in parsed.skills], "achievements": [a.text for a in parsed.achievements],
                   "sections": sorted(parsed.sections)},
    }, sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
