"""The streamed answer's readable part, from every prefix of the JSON the model writes."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from interviews.engine.partial_json import partial_string_field


# No deadline: each example parses every prefix (quadratic in the length), and on a busy 2-core
# machine one example took 253 ms against Hypothesis' 200 ms default (a timing, not a failure).
@settings(deadline=None)
@given(value=st.text(max_size=60), before=st.dictionaries(st.sampled_from(["a", "scores"]), st.integers(), max_size=2))
def test_every_prefix_reads_as_a_prefix_of_the_value(value, before):
    document = json.dumps({**before, "summary": value, "after": [1, 2]}, ensure_ascii=bool(len(value) % 2))
    seen = ""
    for end in range(len(document) + 1):
        shown = partial_string_field(document[:end], "summary")
        if shown is None:
            assert not seen
            continue
        assert value.startswith(shown) and len(shown) >= len(seen)
        seen = shown
    assert seen == value


def test_not_started_and_escapes():
    assert partial_string_field('{"prompt', "prompt") is None
    assert partial_string_field('{"prompt": "Tell me \\"why\\"\\n and \\u00e9', "prompt") == 'Tell me "why"\n and é'
    assert partial_string_field('{"prompt": "cut \\', "prompt") == "cut "
    assert partial_string_field('{"prompt": "cut \\u00', "prompt") == "cut "
