"""The webhook address policy alone (no Django): tricky URLs, each refused for the right reason
or let through, with a fake resolver standing in for DNS where a name is involved."""

import ipaddress

import pytest

from chat.webhook_engine.address_policy import (
    WebhookAddressRefused,
    address_refusal,
    parse_networks,
    parse_webhook_url,
    resolve_webhook_target,
)

NAMES = {
    "public.example": ["93.184.216.34"],
    "v6.example": ["2606:2800:220:1:248:1893:25c8:1946"],
    "rebind.example": ["93.184.216.34", "127.0.0.1"],  # one bad answer among good ones
    "internal.example": ["10.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "empty.example": [],
}


def fake_resolver(host, port):
    if host not in NAMES:
        raise OSError("Name or service not known")
    return NAMES[host]


def refused_code(url, **kwargs):
    with pytest.raises(WebhookAddressRefused) as caught:
        resolve_webhook_target(url, resolver=fake_resolver, **kwargs)
    return caught.value.code


@pytest.mark.parametrize("url, code", [
    ("http://127.0.0.1/hook", "address_loopback"),
    ("http://127.1/", "address_loopback"),
    ("http://2130706433/", "address_loopback"),  # decimal
    ("http://0x7f000001/", "address_loopback"),  # hex
    ("http://0x7f.0.0.1/", "address_loopback"),
    ("http://0177.0.0.1/", "address_loopback"),  # octal
    ("http://0177.1/", "address_loopback"),
    ("http://017700000001/", "address_loopback"),
    ("http://127.0.0.1./", "address_loopback"),  # trailing dot
    ("http://１２７.０.０.１/", "address_loopback"),  # full-width digits fold under IDNA
    ("http://0/", "address_unspecified"),
    ("http://0.0.0.0:8000/", "address_unspecified"),
    ("http://10.0.0.1/", "address_private"),
    ("http://172.16.5.4/", "address_private"),
    ("http://192.168.1.1/", "address_private"),
    ("http://0xa000001/", "address_private"),
    ("http://100.64.0.1/", "address_not_public"),  # carrier-grade NAT
    ("http://169.254.169.254/latest/meta-data/", "address_metadata"),
    ("http://0xa9fea9fe/", "address_metadata"),
    ("http://2852039166/", "address_metadata"),
    ("http://169.254.1.1/", "address_link_local"),
    ("http://100.100.100.200/", "address_metadata"),
    ("http://224.0.0.1/", "address_multicast"),
    ("http://240.0.0.1/", "address_private"),  # 240/4, "reserved": private in Python's table
    ("http://255.255.255.255/", "address_private"),  # broadcast: private in Python's table
    ("http://192.0.2.1/", "address_private"),  # documentation
    ("http://[::1]/", "address_loopback"),
    ("http://[0:0:0:0:0:0:0:1]/", "address_loopback"),
    ("http://[::]/", "address_unspecified"),
    ("http://[::ffff:127.0.0.1]/", "address_loopback"),  # IPv4-mapped
    ("http://[::ffff:7f00:1]/", "address_loopback"),
    ("http://[::ffff:169.254.169.254]/", "address_metadata"),
    ("http://[::ffff:10.0.0.1]/", "address_private"),
    ("http://[::127.0.0.1]/", "address_loopback"),  # IPv4-compatible
    ("http://[64:ff9b::7f00:1]/", "address_loopback"),  # NAT64 of 127.0.0.1
    ("http://[64:ff9b::a9fe:a9fe]/", "address_metadata"),
    ("http://[2002:7f00:1::]/", "address_loopback"),  # 6to4 of 127.0.0.1
    ("http://[fe80::1]/", "address_link_local"),
    ("http://[fc00::1]/", "address_private"),
    ("http://[fd00:ec2::254]/", "address_metadata"),
    ("http://[ff02::1]/", "address_multicast"),
    ("http://[fe80::1%25eth0]/", "invalid_host"),
    ("http://localhost.example/", "unresolvable"),
    ("http://internal.example/", "address_private"),
    ("http://metadata.example/", "address_metadata"),
    ("http://rebind.example/", "address_loopback"),
    ("http://mapped.example/", "address_loopback"),
    ("http://empty.example/", "unresolvable"),
    ("ftp://public.example/", "invalid_scheme"),
    ("file:///etc/passwd", "invalid_scheme"),
    ("gopher://127.0.0.1:6379/_INFO", "invalid_scheme"),
    ("javascript:alert(1)", "invalid_scheme"),
    ("//public.example/", "invalid_scheme"),
    ("http://user:pass@public.example/", "credentials_in_url"),
    ("http://public.example@127.0.0.1/", "credentials_in_url"),
    ("http://127.0.0.1\\@public.example/", "invalid_url"),
    ("http://public.example /", "invalid_url"),
    ("http://public.example\r\nX: 1/", "invalid_url"),
    ("http://public.example:0/", "invalid_url"),
    ("http://public.example:99999/", "invalid_url"),
    ("http://:80/", "invalid_host"),
    ("http:///path", "invalid_host"),
    ("http://1.2.3.4.5/", "invalid_host"),
    ("http://256.1.1.1/", "invalid_host"),
    ("http://08.1.1.1/", "invalid_host"),
    ("http://127%2e0%2e0%2e1/", "invalid_host"),
    ("http://under_score.example/", "invalid_host"),
    ("http://[::1/", "invalid_url"),
    ("", "invalid_url"),
    ("http://" + "a" * 2100 + ".example/", "invalid_url"),
])
def test_refused(url, code):
    assert refused_code(url) == code


@pytest.mark.parametrize("url, address, host_header, connect_url", [
    ("http://public.example/hook?x=1", "93.184.216.34", "public.example", "http://93.184.216.34:80/hook?x=1"),
    ("https://PUBLIC.example:8443", "93.184.216.34", "public.example:8443", "https://93.184.216.34:8443/"),
    ("https://v6.example/h", "2606:2800:220:1:248:1893:25c8:1946", "v6.example",
     "https://[2606:2800:220:1:248:1893:25c8:1946]:443/h"),
    ("http://93.184.216.34/", "93.184.216.34", "93.184.216.34", "http://93.184.216.34:80/"),
    ("http://1572395042/", "93.184.216.34", "93.184.216.34", "http://93.184.216.34:80/"),  # decimal public
    ("http://[2606:4700::1111]/", "2606:4700::1111", "[2606:4700::1111]", "http://[2606:4700::1111]:80/"),
    ("http://[::ffff:93.184.216.34]/", "93.184.216.34", "[::ffff:93.184.216.34]", "http://93.184.216.34:80/"),
])
def test_allowed(url, address, host_header, connect_url):
    target = resolve_webhook_target(url, resolver=fake_resolver)
    assert target.address == address
    assert target.host_header == host_header
    assert target.connect_url == connect_url


def test_the_connection_goes_to_the_address_resolved_once():
    calls = []

    def resolver(host, port):
        calls.append(host)
        return ["93.184.216.34"] if len(calls) == 1 else ["127.0.0.1"]

    target = resolve_webhook_target("http://flip.example/", resolver=resolver)
    assert calls == ["flip.example"]
    assert target.address == "93.184.216.34" and "flip.example" not in target.connect_url


def test_allowed_networks_let_the_test_receiver_through():
    allowed = parse_networks(["127.0.0.0/8", "::1"])
    target = resolve_webhook_target("http://127.0.0.1:8123/hook", resolver=fake_resolver, allowed_networks=allowed)
    assert target.connect_url == "http://127.0.0.1:8123/hook"
    assert resolve_webhook_target("http://[::1]:81/", allowed_networks=allowed).address == "::1"
    # Only what is listed: the rest stays refused.
    assert refused_code("http://10.0.0.1/", allowed_networks=allowed) == "address_private"
    assert refused_code("http://169.254.169.254/", allowed_networks=allowed) == "address_metadata"


def test_localhost_resolved_by_the_system_is_refused():
    with pytest.raises(WebhookAddressRefused) as caught:
        resolve_webhook_target("http://localhost:8000/")
    assert caught.value.code == "address_loopback"


def test_public_addresses_pass_and_the_rest_do_not():
    assert address_refusal(ipaddress.ip_address("8.8.8.8")) is None
    assert address_refusal(ipaddress.ip_address("2001:4860:4860::8888")) is None
    assert address_refusal(ipaddress.ip_address("2001:0:4136:e378:8000:63bf:3fff:fdd2")) is not None  # Teredo
    assert parse_webhook_url("https://a.example").path == "/"
