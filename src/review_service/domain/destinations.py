"""Which network addresses a webhook may be sent to (API.md "Webhooks", issue 8 defect 5).

Link-local and cloud metadata addresses reach the host's own credentials; unspecified,
multicast, broadcast and reserved addresses are never a receiver: these are always refused.
Loopback and private ranges are a deployment's choice (a council's record system is often
on its own network). An IPv6 address that embeds an IPv4 one (mapped, compatible,
translated, NAT64, 6to4, Teredo) is judged by the IPv4 address it carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

IPAddress = IPv4Address | IPv6Address


@dataclass(frozen=True, slots=True)
class DestinationPolicy:
    """The configurable ranges; everything in `_ALWAYS_REFUSED` stays refused whatever this
    says."""

    allow_loopback: bool
    allow_private: bool


# Only the always-refused ranges (a subscription's URL is checked against these before the
# deployment's own policy is known).
ALWAYS_REFUSED_ONLY = DestinationPolicy(allow_loopback=True, allow_private=True)


def _networks(*cidrs: str) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(cidr) for cidr in cidrs)


_LINK_LOCAL = _networks("169.254.0.0/16", "fe80::/10")
_METADATA = _networks(
    "100.100.100.200/32",  # Alibaba Cloud
    "168.63.129.16/32",  # Azure WireServer
    "192.0.0.192/32",  # Oracle Cloud
    "fd00:ec2::254/128",  # AWS over IPv6
)
_NEVER_A_RECEIVER = _networks(
    "0.0.0.0/8",  # unspecified, "this network"
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, and 255.255.255.255 broadcast
    "::/128",
    "ff00::/8",
)
_LOOPBACK = _networks("127.0.0.0/8", "::1/128")
_PRIVATE = _networks(
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",  # carrier-grade NAT, shared address space
    "fc00::/7",
    "fec0::/10",
)
_IPV4_COMPATIBLE = IPv6Network("::/96")
_IPV4_TRANSLATED = IPv6Network("::ffff:0:0:0/96")
_NAT64 = _networks("64:ff9b::/96", "64:ff9b:1::/48")


def _embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, by every convention a network may route."""
    last_32 = IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in _IPV4_TRANSLATED or any(address in network for network in _NAT64):
        return [last_32]
    if address in _IPV4_COMPATIBLE and int(address) > 1:  # not :: or ::1, judged as IPv6
        return [last_32]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    return []


def refusal(address: IPAddress, policy: DestinationPolicy) -> str | None:
    """Why a webhook may not be sent to `address`, or None if it may."""
    if isinstance(address, IPv6Address):
        address = IPv6Address(address.compressed.split("%")[0])  # a zone id changes nothing
        for carried in _embedded_ipv4(address):
            reason = refusal(carried, policy)
            if reason:
                return reason
    if any(address in network for network in _LINK_LOCAL + _METADATA):
        return "link-local and cloud metadata addresses are refused"
    if any(address in network for network in _NEVER_A_RECEIVER):
        return "unspecified, multicast, broadcast and reserved addresses are refused"
    if not policy.allow_loopback and any(address in network for network in _LOOPBACK):
        return "loopback addresses are refused by this deployment"
    if not policy.allow_private and any(address in network for network in _PRIVATE):
        return "private network addresses are refused by this deployment"
    return None


_DECIMAL = re.compile(r"[0-9]+")
_HEX = re.compile(r"0[xX][0-9a-fA-F]*")
_OCTAL = re.compile(r"0[0-7]*")


def numeric_ipv4(host: str) -> IPv4Address | None:
    """The IPv4 address a host written in numbers means, read as `inet_aton` and every
    resolver read it (`2852039166`, `0xa9fea9fe`, `169.254.43518`, `0251.0376.0251.0376`);
    None for a name. A host whose last label is a number but which is no IPv4 address (WHATWG
    URL: "ends in a number") raises ValueError."""
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()  # a trailing dot
    if not (_DECIMAL.fullmatch(labels[-1]) or _HEX.fullmatch(labels[-1])):
        return None
    if len(labels) > 4:
        raise ValueError("too many parts for an IPv4 address")
    parts = [_number(label) for label in labels]
    *leading, last = parts
    if any(part > 255 for part in leading) or last >= 256 ** (4 - len(leading)):
        raise ValueError("a part of the IPv4 address is out of range")
    value = last
    for position, part in enumerate(leading):
        value += part << (8 * (3 - position))
    return IPv4Address(value)


def _number(label: str) -> int:
    if len(label) > 12:  # no part of an address is this long; bound the work
        raise ValueError("a part of the IPv4 address is out of range")
    if _HEX.fullmatch(label):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        if not _OCTAL.fullmatch(label):
            raise ValueError("a part of the IPv4 address is not an octal number")
        return int(label, 8)
    if not _DECIMAL.fullmatch(label):
        raise ValueError("a part of the IPv4 address is not a number")
    return int(label)
