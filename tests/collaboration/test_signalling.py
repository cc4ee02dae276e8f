"""The signalling checks alone (core.webrtc_signalling: no Django), and the ICE server setting."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.webrtc_settings import webrtc_ice_servers
from core.webrtc_signalling import BAD_MESSAGE, TOO_LARGE, SignalRejected, signal_read

PEER = "ab" * 16
# A real offer of Chromium 120 (audio only, trimmed of its codecs list), and a real host candidate.
SDP = ("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
       "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendrecv\r\n")
CANDIDATE = "candidate:3442447574 1 udp 2122260223 127.0.0.1 56789 typ host generation 0 ufrag EsAw network-id 1"


def test_only_the_known_fields_are_kept():
    signal = signal_read({"type": "call.signal", "to": PEER, "description": {"type": "offer", "sdp": SDP, "x": 1},
                          "from": "someone else"})
    assert signal.to == PEER and signal.payload == {"description": {"type": "offer", "sdp": SDP}}
    signal = signal_read({"to": PEER, "candidate": {"candidate": CANDIDATE, "sdpMLineIndex": 0, "evil": "<b>"}})
    assert signal.payload == {"candidate": {"candidate": CANDIDATE, "sdpMid": None, "sdpMLineIndex": 0,
                                            "usernameFragment": None}}


@pytest.mark.parametrize(("message", "code"), [
    ({"to": PEER.upper(), "candidate": {"candidate": CANDIDATE, "sdpMid": "0"}}, BAD_MESSAGE),
    ({"to": 12, "candidate": {"candidate": CANDIDATE, "sdpMid": "0"}}, BAD_MESSAGE),
    ({"to": PEER, "description": {"type": "rollback", "sdp": SDP}}, BAD_MESSAGE),
    ({"to": PEER, "description": {"type": "answer", "sdp": ["v=0"]}}, BAD_MESSAGE),
    ({"to": PEER, "candidate": {"candidate": CANDIDATE, "sdpMid": "0", "sdpMLineIndex": True}}, BAD_MESSAGE),
    ({"to": PEER, "candidate": {"candidate": CANDIDATE, "sdpMid": 0}}, BAD_MESSAGE),
    ({"to": PEER, "candidate": {"candidate": CANDIDATE, "sdpMid": "m" * 65}}, TOO_LARGE),
    ({"to": PEER, "candidate": {"candidate": CANDIDATE, "sdpMid": "0", "usernameFragment": "u" * 257}}, TOO_LARGE),
])
def test_bad_signals_are_refused_with_their_close_code(message, code):
    with pytest.raises(SignalRejected) as rejected:
        signal_read(message)
    assert rejected.value.close_code == code and str(rejected.value)


def test_ice_servers_setting():
    assert webrtc_ice_servers("") == []
    servers = webrtc_ice_servers('[{"urls": "stun:stun.example.org:3478"},'
                                 ' {"urls": ["turn:turn.example.org"], "username": "u", "credential": "p", "x": 1}]')
    assert servers == [{"urls": "stun:stun.example.org:3478"},
                       {"urls": ["turn:turn.example.org"], "username": "u", "credential": "p"}]
    for bad in ("{", '{"urls": "stun:x"}', '[{"urls": "http://x"}]', '[{"urls": []}]', '["stun:x"]',
                '[{"urls": "turn:x", "credential": 5}]'):
        with pytest.raises(ImproperlyConfigured):
            webrtc_ice_servers(bad)
