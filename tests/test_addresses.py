"""Which addresses a page may be fetched from: only globally reachable unicast, judged against the IANA
special-purpose registries, with IPv4 wrapped in IPv6 judged by the IPv4 inside. Every test here is
arithmetic on address strings: nothing is resolved and nothing is connected to."""

import pytest

from summariser.input.addresses import is_public
from summariser.input.sources import _allowed


@pytest.mark.parametrize(
    "address",
    [
        "0.1.2.3",  # "this network"
        "192.0.0.8",  # IPv4 dummy address
        "192.0.0.9",  # Port Control Protocol anycast: a service, not an article host
        "192.0.0.170",  # NAT64/DNS64 discovery
        "192.0.2.1",  # documentation
        "192.88.99.1",  # deprecated 6to4 relay anycast
        "198.18.0.1",  # benchmarking
        "198.51.100.7",  # documentation
        "203.0.113.9",  # documentation
        "255.255.255.255",  # limited broadcast
    ],
)
def test_ipv4_special_purpose_blocks_are_refused(address):
    assert not is_public(address)


@pytest.mark.parametrize(
    "address",
    [
        "::",  # unspecified
        "::7f00:1",  # IPv4-compatible (deprecated)
        "100::1",  # discard-only
        "2001:2::1",  # benchmarking
        "2001:db8::1",  # documentation
        "3fff::1",  # documentation
        "5f00::1",  # segment routing SIDs
        "fec0::1",  # site-local (deprecated)
        "64:ff9b:1::808:808",  # local-use NAT64: where the IPv4 sits is the network's choice
        "fe80::1%eth0",  # link-local with a zone
    ],
)
def test_ipv6_special_purpose_and_non_unicast_blocks_are_refused(address):
    assert not is_public(address)


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("2002:7f00:1::", "127.0.0.1 in 6to4"),
        ("2002:a00:1::1", "10.0.0.1 in 6to4"),
        ("2002:a9fe:a9fe::", "169.254.169.254 in 6to4"),
        ("64:ff9b::7f00:1", "127.0.0.1 in NAT64"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254 in NAT64"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "client 127.0.0.1 in Teredo"),
        ("2001:0:a00:1:8000:63bf:a2a2:cdcd", "server 10.0.0.1 in Teredo"),
        ("::ffff:192.0.0.8", "dummy address, IPv4-mapped"),
    ],
)
def test_ipv4_wrapped_in_ipv6_is_judged_by_the_ipv4_inside(address, inside):
    assert not is_public(address), inside


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
        "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
        "2001:0:4136:e378:8000:63bf:a247:27dd",  # Teredo: server 65.54.227.120, client 93.184.216.34
    ],
)
def test_globally_reachable_unicast_is_public(address):
    assert is_public(address)


def test_the_allowance_lifts_the_check(monkeypatch):
    assert not _allowed("2002:7f00:1::")
    monkeypatch.setenv("SUMMARISER_ALLOW_PRIVATE_URLS", "1")
    assert _allowed("2002:7f00:1::")
