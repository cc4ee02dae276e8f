"""Where an outgoing webhook may connect: only to public unicast addresses.

A URL is parsed once here, its host resolved once, every address it resolves to checked, and the
caller connects to the checked address itself (never to the name again), so a name that answers
a public address to the check and a private one to the connection (DNS rebinding) gains nothing.
Refused: loopback, private (RFC 1918, unique local), carrier-grade NAT, link-local (the cloud
metadata services live there), multicast, reserved, unspecified and documentation ranges, in
IPv4 and IPv6, including IPv4 addresses carried inside IPv6 (mapped, compatible, NAT64, 6to4,
Teredo) and the legacy numeric host forms that resolvers accept (2130706433, 0x7f.1, 0177.0.0.1)."""

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_CHARS = 2048
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port -> the addresses it resolves to (socket.getaddrinfo by default).
Resolver = Callable[[str, int], Sequence[str]]

# Named for clearer refusals; each is also outside the public unicast space checked below.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
    ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
}
NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_PART = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


class WebhookAddressRefused(Exception):
    """The URL may not be delivered to; `code` names why, `str()` says it to a person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class WebhookTarget:
    """A checked destination: connect to `address`, and send `host` as Host and TLS name."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"

    @property
    def connect_url(self) -> str:
        literal = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{literal}:{self.port}{self.path}"


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDR strings (a bare address is one host); ValueError on a malformed one."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v and v.strip())


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """A host in any numeric form inet_aton accepts (1-4 parts, decimal, 0x hex or 0-octal),
    as the address it means; None for a host name. Numeric-looking hosts that are not valid
    addresses (1.2.3.4.5, 08.1.1.1, 256.1.1.1) are refused rather than left to a resolver."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    if not parts or not _NUMERIC_PART.match(parts[-1]):
        return None
    if len(parts) > 4 or not all(_NUMERIC_PART.match(p) for p in parts):
        raise WebhookAddressRefused("invalid_host", "The host looks like a numeric address but is not a valid one.")
    values = []
    for part in parts:
        if part.startswith("0x"):
            values.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                raise WebhookAddressRefused("invalid_host", "The host is not a valid octal address.")
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *leading, last = values
    if any(v > 255 for v in leading) or last >= 256 ** (5 - len(values)):
        raise WebhookAddressRefused("invalid_host", "The host is not a valid IPv4 address.")
    number = 0
    for v in leading:
        number = number * 256 + v
    number = number * 256 ** (5 - len(values)) + last
    return ipaddress.IPv4Address(number)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses that an IPv6 address carries (and that a gateway may connect to)."""
    found = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found.extend(address.teredo)
    packed = int(address)
    if any(address in prefix for prefix in NAT64_PREFIXES):
        found.append(ipaddress.IPv4Address(packed & 0xFFFFFFFF))
    # IPv4-compatible (::a.b.c.d, deprecated): the top 96 bits are zero.
    if packed >> 32 == 0 and packed > 1:
        found.append(ipaddress.IPv4Address(packed))
    return found


def _refusal_of_one(address: IPAddress) -> str | None:
    if address in METADATA_ADDRESSES:
        return "metadata"
    if address.is_loopback:
        return "loopback"
    if address.is_unspecified:
        return "unspecified"
    if address.is_link_local:
        return "link_local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        return "not_public"
    return None


def address_refusal(address: IPAddress, allowed_networks: Sequence[Network] = ()) -> str | None:
    """Why `address` may not be reached (a code), or None when it may. `allowed_networks` are let
    through whatever they are (the test suite's loopback receiver)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        # The socket layer connects a mapped address over IPv4: judge it as that address.
        address = address.ipv4_mapped
    if any(address.version == net.version and address in net for net in allowed_networks):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        # The IPv4 address inside says best where a translating gateway would connect.
        for inner in _embedded_ipv4(address):
            inner_reason = _refusal_of_one(inner)
            if inner_reason:
                return inner_reason
    return _refusal_of_one(address)


REFUSAL_MESSAGES = {
    "metadata": "a cloud metadata address",
    "loopback": "a loopback address",
    "unspecified": "the unspecified address",
    "link_local": "a link-local address",
    "multicast": "a multicast address",
    "private": "a private network address",
    "reserved": "a reserved address",
    "not_public": "an address that is not public",
}


@dataclass(frozen=True)
class ParsedWebhookUrl:
    scheme: str
    host: str
    port: int
    path: str
    literal: IPAddress | None


def parse_webhook_url(url: str) -> ParsedWebhookUrl:
    """Check the URL's form (http or https, a host, no credentials, a valid port) and read its
    parts, without resolving anything."""
    if not isinstance(url, str) or not url.strip():
        raise WebhookAddressRefused("invalid_url", "Give the webhook URL.")
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise WebhookAddressRefused("invalid_url", f"A webhook URL has at most {MAX_URL_CHARS} characters.")
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in url) or "\\" in url:
        raise WebhookAddressRefused("invalid_url", "The URL has spaces, control characters or backslashes.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookAddressRefused("invalid_url", f"The URL is not valid ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise WebhookAddressRefused("invalid_scheme", "A webhook URL starts with http:// or https://.")
    if "@" in parts.netloc:
        raise WebhookAddressRefused("credentials_in_url", "A webhook URL may not carry a user name or password.")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise WebhookAddressRefused("invalid_host", "The URL has no host.")
    if port == 0:
        raise WebhookAddressRefused("invalid_url", "Port 0 cannot be connected to.")
    port = port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if ":" in raw_host:  # an IPv6 literal (urlsplit took it out of its brackets)
        if "%" in raw_host:
            raise WebhookAddressRefused("invalid_host", "An IPv6 address with a zone is a local address.")
        try:
            literal: IPAddress | None = ipaddress.IPv6Address(raw_host)
        except ValueError:
            raise WebhookAddressRefused("invalid_host", "The IPv6 address in the URL is not valid.") from None
        return ParsedWebhookUrl(scheme, f"[{raw_host}]", port, path, literal)
    try:
        # IDNA 2003 with nameprep, as resolvers do: full-width digits and look-alikes fold here,
        # so what is checked is what would be resolved.
        host = raw_host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise WebhookAddressRefused("invalid_host", "The host name is not valid.") from None
    literal = _legacy_ipv4(host)
    if literal is not None:
        return ParsedWebhookUrl(scheme, str(literal), port, path, literal)
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253 or not all(_HOST_LABEL.match(label) for label in name.split(".")):
        raise WebhookAddressRefused("invalid_host", "The host name is not valid.")
    return ParsedWebhookUrl(scheme, name, port, path, None)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def resolve_webhook_target(url: str, *, resolver: Resolver = system_resolver,
                           allowed_networks: Sequence[Network] = ()) -> WebhookTarget:
    """The checked destination of `url`: parsed, resolved once, every address allowed. Raises
    WebhookAddressRefused saying why otherwise."""
    parsed = parse_webhook_url(url)
    if parsed.literal is not None:
        addresses: list[IPAddress] = [parsed.literal]
    else:
        try:
            found = resolver(parsed.host, parsed.port)
        except (OSError, UnicodeError):
            raise WebhookAddressRefused("unresolvable", f"The host {parsed.host} could not be resolved.") from None
        addresses = []
        for text in found:
            try:
                addresses.append(ipaddress.ip_address(text.split("%", 1)[0]))
            except ValueError:
                raise WebhookAddressRefused("unresolvable", "The host resolved to something that is not an address.") from None
        if not addresses:
            raise WebhookAddressRefused("unresolvable", f"The host {parsed.host} has no address.")
    # Every address, not only the first: a resolver may hand them out in any order later.
    for address in addresses:
        reason = address_refusal(address, allowed_networks)
        if reason:
            raise WebhookAddressRefused(
                f"address_{reason}",
                f"Webhooks cannot be delivered to {REFUSAL_MESSAGES[reason]} ({address}).")
    chosen = addresses[0]
    if isinstance(chosen, ipaddress.IPv6Address) and chosen.ipv4_mapped:
        chosen = chosen.ipv4_mapped
    return WebhookTarget(scheme=parsed.scheme, host=parsed.host, port=parsed.port, path=parsed.path,
                         address=str(chosen))
