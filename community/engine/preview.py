"""The document a live preview shows: one HTML page from a project's HTML, CSS and JS.

It is served with a CSP whose `sandbox allow-scripts` gives it an opaque origin (no cookies, no
storage, no reading the site) and no top navigation, and shown in an
`<iframe sandbox="allow-scripts">`; `default-src 'none'` and `connect-src 'none'` stop it from
fetching anything or sending what it sees anywhere."""

import re

CSP = ("sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
       "style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:; connect-src 'none'; "
       "form-action 'none'; base-uri 'none'; frame-ancestors 'self'")

_END_TAG = re.compile(r"</(style|script)", re.IGNORECASE)


def preview_document(*, html: str, css: str = "", js: str = "") -> str:
    # The CSS and JS cannot close their own element early (and smuggle markup in).
    css = _END_TAG.sub(r"<\\/\1", css)
    js = _END_TAG.sub(r"<\\/\1", js)
    return ("<!doctype html><html><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<style>{css}</style></head><body>{html}<script>{js}</script></body></html>")
