"""Who is asking: the client address of an HTTP request, for counting and throttling.

The peer of the connection is the client, unless that peer is one of the configured
``[web] trusted_proxies``: only then are ``X-Forwarded-For`` (or, without it, ``Forwarded``)
read, from the right, skipping trusted hops, and the right-most address no trusted proxy
vouches for is the client. What a client writes into those headers itself is on their left,
so it can never choose its own address. uvicorn's own reading of these headers is switched
off (see :mod:`shequn.internal.web`); this is the only place that reads them.

Counting and throttling key on :func:`address_key`: an IPv4 address, or the /64 network of
an IPv6 one (one subscriber usually holds a whole /64, so its addresses are one client).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

IPV6_PREFIX = 64
"""IPv6 addresses in one network of this size count as one client."""


def parse_network(text: str) -> IPNetwork:
    """``10.0.0.1``, ``10.0.0.0/8`` or ``fd00::/8``; raises ValueError otherwise."""
    return ipaddress.ip_network(text.strip(), strict=False)


@cache
def _networks(trusted: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(parse_network(text) for text in trusted)


def _plain(address: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address (``::ffff:1.2.3.4``) as the IPv4 address it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_address(text: str) -> IPAddress | None:
    """An address as headers write it: bare, ``1.2.3.4:port``, ``[v6]`` or ``[v6]:port``,
    optionally quoted; None when it is no address (``unknown``, an obfuscated name)."""
    text = text.strip().strip('"').strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return _plain(ipaddress.ip_address(text))
    except ValueError:
        return None


def _trusted(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def _header(scope: Mapping[str, Any], name: bytes) -> str | None:
    """Every line of header ``name`` joined by commas (their order kept), None if absent."""
    lines = [
        value.decode("latin-1") for key, value in scope.get("headers", ()) if key.lower() == name
    ]
    return ", ".join(lines) if lines else None


def _forwarded_hops(scope: Mapping[str, Any]) -> list[str]:
    """The addresses the proxies report, left (farthest) to right (nearest)."""
    xff = _header(scope, b"x-forwarded-for")
    if xff is not None:
        return [hop for hop in xff.split(",") if hop.strip()]
    forwarded = _header(scope, b"forwarded")
    if forwarded is None:
        return []
    hops: list[str] = []
    for element in forwarded.split(","):
        for pair in element.split(";"):
            name, _, value = pair.partition("=")
            if name.strip().lower() == "for":
                hops.append(value)
    return hops


def client_address(scope: Mapping[str, Any], trusted_proxies: Sequence[str]) -> str:
    """The client's address for an ASGI ``scope`` (``request.scope``); "" when unknown."""
    client = scope.get("client")
    peer_text = str(client[0]) if client else ""
    peer = parse_address(peer_text)
    if peer is None:
        return peer_text
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    nearest = peer
    for hop in reversed(_forwarded_hops(scope)):
        address = parse_address(hop)
        if address is None:
            break  # a hop we cannot read: the last trusted proxy is all we know
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)


def address_key(address: str) -> str:
    """What counts as one client: the IPv4 address, or the IPv6 address's /64 network."""
    parsed = parse_address(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, IPV6_PREFIX), strict=False))
    return str(parsed)
