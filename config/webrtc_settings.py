"""WEBRTC_ICE_SERVERS from the environment: a JSON list of RTCIceServer objects, checked at start
so that a typo fails the process with a clear message rather than every call in the browser."""

import json

from django.core.exceptions import ImproperlyConfigured


def webrtc_ice_servers(raw: str) -> list[dict]:
    if not raw.strip():
        return []
    try:
        servers = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"WEBRTC_ICE_SERVERS is not JSON: {error}") from error
    if not isinstance(servers, list):
        raise ImproperlyConfigured("WEBRTC_ICE_SERVERS must be a JSON list of {\"urls\": ...} objects")
    checked = []
    for number, server in enumerate(servers, 1):
        urls = server.get("urls") if isinstance(server, dict) else None
        url_list = [urls] if isinstance(urls, str) else urls
        if not url_list or not isinstance(url_list, list) or not all(
                isinstance(url, str) and url.startswith(("stun:", "stuns:", "turn:", "turns:")) for url in url_list):
            raise ImproperlyConfigured(
                f"WEBRTC_ICE_SERVERS entry {number}: `urls` must be stun:, stuns:, turn: or turns: URLs")
        entry = {"urls": urls}
        for field in ("username", "credential"):
            if field in server:
                if not isinstance(server[field], str):
                    raise ImproperlyConfigured(f"WEBRTC_ICE_SERVERS entry {number}: `{field}` must be text")
                entry[field] = server[field]
        checked.append(entry)
    return checked
