"""Reading a JSON object while it is still being written (a model's streamed answer): the text of
one top-level string field so far, for a page to show before the whole answer is there and
validated. Pure Python, no Django."""

import json
import re

_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def partial_string_field(text: str, name: str) -> str | None:
    """The value of the string field `name` as far as `text` has it: decoded escapes, an escape
    cut in the middle left out; None while the field has not started. Only the first occurrence of
    `"name": "` counts (a nested field of the same name written earlier would be mistaken for it,
    so callers ask for fields the schema has only at the top)."""
    match = re.search(r'"' + re.escape(name) + r'"\s*:\s*"', text)
    if match is None:
        return None
    out: list[str] = []
    i = match.end()
    while i < len(text):
        char = text[i]
        if char == '"':
            break
        if char != "\\":
            out.append(char)
            i += 1
            continue
        if i + 1 >= len(text):
            break  # the escape is cut: wait for the rest
        kind = text[i + 1]
        if kind == "u":
            digits = text[i + 2:i + 6]
            if len(digits) < 4:
                break
            try:
                high = 0xD800 <= int(digits, 16) <= 0xDBFF
            except ValueError:
                break  # not JSON: the whole answer will be refused anyway
            if not high:
                out.append(json.loads(f'"\\u{digits}"'))
                i += 6
                continue
            if len(text) < i + 12:
                break  # half of a surrogate pair: its other half comes next
            out.append(json.loads(f'"\\u{digits}{text[i + 6:i + 12]}"'))
            i += 12
            continue
        out.append(_ESCAPES.get(kind, kind))
        i += 2
    return "".join(out)
