"""The work directory of one run: the entry point and the files written beside it.

Names come from callers (the Piston API takes them from clients), so each must stay inside the
directory: relative, no `..`, no empty or hidden-by-dot tricks that leave it."""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_FILES = 32
MAX_DEPTH = 4


class BadFile(ValueError):
    """A file the work directory cannot hold (the message says which and why)."""


@dataclass(frozen=True)
class SourceFile:
    name: str
    content: bytes


def checked_name(name: str) -> str:
    path = PurePosixPath(name)
    if (not name or "\x00" in name or "\\" in name or path.is_absolute() or len(path.parts) > MAX_DEPTH
            or any(part in ("", ".", "..") for part in name.split("/")) or len(name) > 200):
        raise BadFile(f'file name "{name}" must be a relative path inside the work directory')
    return str(path)


def write_program(box: Path, entry: SourceFile, others: Sequence[SourceFile] = ()) -> None:
    """Write the entry point and the other files into `box` (readable, not writable, by the run)."""
    if len(others) + 1 > MAX_FILES:
        raise BadFile(f"at most {MAX_FILES} files")
    names = [checked_name(f.name) for f in (entry, *others)]
    if len(set(names)) != len(names):
        raise BadFile("file names must be unique")
    for name, file in zip(names, (entry, *others), strict=True):
        target = box / name
        try:
            for directory in reversed(PurePosixPath(name).parents[:-1]):
                (box / directory).mkdir(mode=0o755, exist_ok=True)
                os.chmod(box / directory, 0o755)
            target.write_bytes(file.content)
        except OSError as error:  # "a" and "a/b" both given, say
            raise BadFile(f'file "{name}" cannot be written: {error.strerror}') from error
        os.chmod(target, 0o644)
