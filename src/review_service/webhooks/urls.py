"""Which receiver URLs a subscription may name.

Record systems sit on internal networks, so loopback and private addresses are accepted;
link-local and cloud metadata addresses are refused (they reach the host's own credentials).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata", "instance-data", "metadata.azure.internal"}
)
_LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))
_METADATA_ADDRESSES = (
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
)


def url_problem(url: str) -> str | None:
    """Why `url` cannot receive webhooks, or None if it can."""
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
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name; it is not resolved here (no redirects are ever followed)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in _LINK_LOCAL) or address in _METADATA_ADDRESSES:
        return "link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10) are refused"
    if address.is_multicast or address.is_unspecified:
        return "the URL's address cannot receive webhooks"
    return None
