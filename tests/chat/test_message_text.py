"""The text engine alone (no Django): mentions, hashtags, own links, search terms, highlighting."""

from chat import message_text as mt


def test_mentions_each_once_without_trailing_punctuation():
    assert mt.mentions("hi @bob, @Alice. and @bob again; mail a@b.com") == ["bob", "Alice"]


def test_hashtags_lowercased_outside_code():
    assert mt.hashtags("#DP and #graphs-101 but `#notthis` and ```\n#nor\n``` &#39; #dp") == ["dp", "graphs-101"]


def test_own_links_only_for_our_hosts_and_paths():
    text = ("https://prep.example/challenges/two-sum/ http://evil.example/u/bob/ /rooms/"
            "12345678-1234-1234-1234-123456789012 /u/carol. https://prep.example/admin/")
    links = mt.own_links(text, {"prep.example"})
    assert [(link.kind, link.key) for link in links] == [
        ("challenge", "two-sum"), ("room", "12345678-1234-1234-1234-123456789012"), ("profile", "carol")]


def test_search_terms_drop_operators_and_fts5_query_quotes_them():
    terms = mt.search_terms('Binary "search" OR NEAR( x*')
    assert terms == ["binary", "search", "or", "near", "x"]
    assert mt.fts5_query(["a\"b"]) == '"a""b"*'


def test_highlight_escapes_and_marks_prefix_matches():
    html = mt.highlight("<b>Binary</b> searching is binary", ["binar", "search"])
    assert html == "&lt;b&gt;<mark>Binary</mark>&lt;/b&gt; <mark>searching</mark> is <mark>binary</mark>"
    long = "x " * 200 + "needle here"
    assert mt.highlight(long, ["needle"]).startswith("…")


def test_linkify_skips_code_and_unknown_users():
    out = mt.linkify("@bob #tag `@bob #tag` @nobody", known_usernames={"bob"},
                     hashtag_url=lambda t: f"/s?h={t}", profile_url=lambda n: f"/u/{n}/")
    assert out == "[@bob](/u/bob/) [#tag](/s?h=tag) `@bob #tag` @nobody"
