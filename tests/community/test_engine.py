"""The community's engine alone: ranking, trust levels, trees, the preview document, archives."""

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from community.engine import trust
from community.engine.archive import ArchiveFile, ArchiveTooLarge, build_zip, safe_path
from community.engine.preview import CSP, preview_document
from community.engine.ranking import DECAY_SECONDS, hot_score
from community.engine.threads import build_tree, flatten


def test_hot_score_decays_by_a_factor_of_ten_every_decay_period():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    older = now - timedelta(seconds=DECAY_SECONDS)
    # Ten times (1 + points) 12.5 hours earlier ranks the same as one point now.
    assert hot_score(likes=19, comments=0, created=older) == pytest.approx(hot_score(likes=1, comments=0, created=now))
    assert hot_score(likes=5, comments=0, created=now) > hot_score(likes=4, comments=0, created=now)
    assert hot_score(likes=0, comments=0, created=now) > hot_score(likes=0, comments=0, created=older)
    assert hot_score(likes=2, comments=3, created=now) == hot_score(likes=5, comments=0, created=now)


def test_trust_levels_follow_the_documented_rule():
    assert trust.trust_level(trust.Activity(0, 0, 0)) == 0
    assert trust.trust_level(trust.Activity(2, 2, 0)) == 0  # not enough contributions
    assert trust.trust_level(trust.Activity(2, 3, 0)) == 1
    assert trust.trust_level(trust.Activity(20, 25, 9)) == 1  # likes missing for 2
    assert trust.trust_level(trust.Activity(20, 25, 10)) == 2
    assert trust.trust_level(trust.Activity(90, 150, 60)) == 3
    assert trust.trust_level(trust.Activity(0, 0, 0, is_moderator=True)) == 4
    assert trust.limit(0, "posts") == 3 and trust.limit(4, "posts") is None
    assert trust.next_level_needs(trust.Activity(0.5, 1, 0)) == {"level": 1, "days": 1, "contributions": 2, "likes": 0}
    assert trust.next_level_needs(trust.Activity(90, 150, 60)) is None


class C:
    def __init__(self, id, parent_id):
        self.id, self.parent_id = id, parent_id


def test_tree_keeps_order_nests_replies_and_keeps_orphans():
    rows = [C(1, None), C(2, 1), C(3, None), C(4, 2), C(5, 99)]
    roots = build_tree(rows)
    assert [n.item.id for n in roots] == [1, 3, 5]
    assert [n.item.id for n in roots[0].children] == [2]
    assert roots[0].descendants == 2
    assert [(n.item.id, d) for n, d in flatten(roots)] == [(1, 0), (2, 1), (4, 2), (3, 0), (5, 0)]


def test_a_deep_chain_needs_no_recursion():
    rows = [C(i, i - 1 if i else None) for i in range(5000)]
    flat = flatten(build_tree(rows))
    assert flat[-1][1] == 4999


def test_preview_document_cannot_be_closed_early_and_has_a_sandboxing_csp():
    doc = preview_document(html="<p>hi</p>", css="p{}</style><script>alert(1)</script>",
                           js="x='</script><img src=x onerror=alert(1)>'")
    assert doc.count("</style>") == 1 and doc.count("</script>") == 1
    assert "<\\/style" in doc and "<\\/script" in doc
    assert CSP.startswith("sandbox allow-scripts;") and "allow-same-origin" not in CSP
    assert "allow-top-navigation" not in CSP and "connect-src 'none'" in CSP


def test_zip_is_bounded_and_reads_back():
    files = [ArchiveFile("index.html", "<h1>x</h1>"), ArchiveFile("src/app.js", "1")]
    data = build_zip(files, root="demo", max_files=5, max_bytes=1000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["demo/index.html", "demo/src/app.js"]
        assert archive.read("demo/index.html") == b"<h1>x</h1>"
    with pytest.raises(ArchiveTooLarge):
        build_zip(files, root="demo", max_files=1, max_bytes=1000)
    with pytest.raises(ArchiveTooLarge):
        build_zip([ArchiveFile("a", "x" * 2000)], root="demo", max_files=5, max_bytes=1000)


@pytest.mark.parametrize("bad", ["../etc/passwd", "/abs", "a//b", "a\\b", "", "./a", "a/../b", "x\x00"])
def test_unsafe_paths_are_refused(bad):
    with pytest.raises(ValueError):
        safe_path(bad)
