"""Which addresses a webhook may reach (issue 8, defect 5), and how a host written in numbers
is read: as `inet_aton` and every resolver read it, so no spelling hides an address."""

from __future__ import annotations

from ipaddress import IPv4Address, ip_address

import pytest

from review_service.domain.destinations import DestinationPolicy, numeric_ipv4, refusal

OPEN = DestinationPolicy(allow_loopback=True, allow_private=True)
CLOSED = DestinationPolicy(allow_loopback=False, allow_private=False)
METADATA = IPv4Address("169.254.169.254")


@pytest.mark.parametrize("host", [
    "2852039166", "0xa9fea9fe", "0XA9FEA9FE", "169.254.43518", "169.16689662",
    "0xa9.0xfe.0xa9.0xfe", "0251.0376.0251.0376", "169.254.169.254", "169.254.169.254.",
    "0xa9.254.0251.0xfe",
])
def test_every_numeric_spelling_of_the_metadata_address_is_read(host: str) -> None:
    assert numeric_ipv4(host) == METADATA


@pytest.mark.parametrize(("host", "address"), [
    ("0", "0.0.0.0"), ("127.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"), ("10.0.0.5", "10.0.0.5"), ("0x", "0.0.0.0"),
])
def test_short_and_other_spellings(host: str, address: str) -> None:
    assert numeric_ipv4(host) == IPv4Address(address)


@pytest.mark.parametrize("host", ["example.org", "hooks.council.gov.uk", "a1", "x.0a", "1x"])
def test_a_name_is_not_a_number(host: str) -> None:
    assert numeric_ipv4(host) is None


@pytest.mark.parametrize("host", [
    "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1.2.65536", "4294967296", "08", "1.09",
    "1..2", "0x1.0xg1.3", "9" * 40, "example.123",
])
def test_a_host_ending_in_a_number_that_is_no_address_is_an_error(host: str) -> None:
    with pytest.raises(ValueError, match="IPv4 address"):
        numeric_ipv4(host)


@pytest.mark.parametrize("address", [
    "169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%eth0",
    "100.100.100.200", "168.63.129.16", "192.0.0.192", "fd00:ec2::254",
    "0.0.0.0", "0.1.2.3", "::", "224.0.0.1", "239.255.255.250", "255.255.255.255",
    "240.0.0.1", "ff02::1",
    # IPv6 carrying a refused IPv4 address: mapped, compatible, translated, NAT64, 6to4, Teredo
    "::ffff:169.254.169.254", "::169.254.169.254", "::ffff:0:a9fe:a9fe", "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a9fe:a9fe", "2002:a9fe:a9fe::1", "2001:0:4136:e378:8000:63bf:5601:5601",
    "::ffff:0.0.0.0", "64:ff9b::e000:1",
])
def test_always_refused_whatever_the_deployment_allows(address: str) -> None:
    assert refusal(ip_address(address), OPEN)
    assert refusal(ip_address(address), CLOSED)


@pytest.mark.parametrize(("address", "policy_refusing"), [
    ("127.0.0.1", DestinationPolicy(allow_loopback=False, allow_private=True)),
    ("127.255.0.9", DestinationPolicy(allow_loopback=False, allow_private=True)),
    ("::1", DestinationPolicy(allow_loopback=False, allow_private=True)),
    ("::ffff:127.0.0.1", DestinationPolicy(allow_loopback=False, allow_private=True)),
    ("64:ff9b::7f00:1", DestinationPolicy(allow_loopback=False, allow_private=True)),
    ("10.0.0.5", DestinationPolicy(allow_loopback=True, allow_private=False)),
    ("172.31.255.1", DestinationPolicy(allow_loopback=True, allow_private=False)),
    ("192.168.1.10", DestinationPolicy(allow_loopback=True, allow_private=False)),
    ("100.64.0.1", DestinationPolicy(allow_loopback=True, allow_private=False)),
    ("fd12:3456::1", DestinationPolicy(allow_loopback=True, allow_private=False)),
    ("::ffff:10.0.0.5", DestinationPolicy(allow_loopback=True, allow_private=False)),
    ("2002:0a00:0005::1", DestinationPolicy(allow_loopback=True, allow_private=False)),
])
def test_loopback_and_private_are_the_deployments_choice(
    address: str, policy_refusing: DestinationPolicy,
) -> None:
    assert refusal(ip_address(address), OPEN) is None
    assert refusal(ip_address(address), policy_refusing)


@pytest.mark.parametrize("address", [
    "81.2.69.160", "2a00:1450:4009:81f::200e", "172.32.0.1", "::ffff:81.2.69.160",
    "64:ff9b::5102:45a0",
])
def test_public_addresses_are_allowed_everywhere(address: str) -> None:
    assert refusal(ip_address(address), CLOSED) is None
