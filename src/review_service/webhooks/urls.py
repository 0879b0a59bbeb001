"""Which receiver URLs a subscription may name.

This refuses what is plainly wrong when a subscription is made or changed: a bad scheme,
credentials, a metadata host name, and an address literal (in any numeric spelling a
resolver accepts) that the destination policy refuses (domain/destinations.py). Names are
not resolved here: the real guard checks the address actually connected to, at connect
time, on every attempt (webhooks/transport.py).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from review_service.domain.destinations import (
    ALWAYS_REFUSED_ONLY,
    DestinationPolicy,
    IPAddress,
    numeric_ipv4,
    refusal,
)

_METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata", "instance-data", "metadata.azure.internal"}
)


def url_problem(url: str, policy: DestinationPolicy = ALWAYS_REFUSED_ONLY) -> str | None:
    """Why `url` cannot receive webhooks under `policy`, or None if it can."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "the URL is not valid"
    del port
    if parts.scheme not in {"http", "https"}:
        return "the URL must be http or https"
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return "the URL has no host"
    if parts.username or parts.password:
        return "the URL must not carry credentials"
    if host in _METADATA_HOSTS:
        return "cloud metadata addresses are refused"
    if not policy.allow_loopback and (host == "localhost" or host.endswith(".localhost")):
        return "loopback addresses are refused by this deployment"
    try:
        address = _literal_address(host)
    except ValueError:
        return "the URL's host is neither a name nor a valid IP address"
    if address is None:
        return None  # a name: checked when it is connected to
    reason = refusal(address, policy)
    return f"the URL's address: {reason}" if reason else None


def _literal_address(host: str) -> IPAddress | None:
    """The address a host literal means, or None for a name."""
    if ":" in host:  # urlsplit has taken the brackets off an IPv6 literal
        return ipaddress.IPv6Address(host)
    return numeric_ipv4(host)
