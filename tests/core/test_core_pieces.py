from core.markdown import render_markdown
from core.rate_limits import TokenBucket


def test_markdown_renders_and_strips_dangerous_html():
    html = render_markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.b)")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert "href=\"javascript" not in html
    assert 'href="https://a.b"' in html and "noopener" in html


def test_token_bucket_refills_over_time():
    now = [0.0]
    bucket = TokenBucket(2, 1.0, clock=lambda: now[0])
    assert bucket.allow() and bucket.allow()
    assert not bucket.allow()
    now[0] = 0.5
    assert bucket.allow()
    assert not bucket.allow()
