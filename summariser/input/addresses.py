"""Which IP addresses a page may be fetched from: globally reachable unicast only.

`ipaddress` alone is not enough: on Python 3.11 `is_global` is still True for 192.0.0.8, fec0::1 and
all of 2002::/16, so the IANA special-purpose registries are written out here and checked on top of
it. IPv4 carried inside IPv6 (mapped, NAT64, 6to4, Teredo) is judged by the IPv4 inside, since that is
where the packets end up.
"""

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Every block of the IANA IPv4 Special-Purpose Address Registry. Those it marks globally reachable are
# anycast services and DNS sinks, never article hosts, so they are refused too.
SPECIAL_IPV4 = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",  # "This network"
        "10.0.0.0/8",  # Private-Use
        "100.64.0.0/10",  # Shared Address Space
        "127.0.0.0/8",  # Loopback
        "169.254.0.0/16",  # Link Local
        "172.16.0.0/12",  # Private-Use
        "192.0.0.0/24",  # IETF Protocol Assignments (dummy address, PCP and TURN anycast, NAT64 discovery)
        "192.0.2.0/24",  # Documentation (TEST-NET-1)
        "192.31.196.0/24",  # AS112-v4
        "192.52.193.0/24",  # AMT
        "192.88.99.0/24",  # Deprecated (6to4 Relay Anycast)
        "192.168.0.0/16",  # Private-Use
        "192.175.48.0/24",  # Direct Delegation AS112 Service
        "198.18.0.0/15",  # Benchmarking
        "198.51.100.0/24",  # Documentation (TEST-NET-2)
        "203.0.113.0/24",  # Documentation (TEST-NET-3)
        "224.0.0.0/4",  # Multicast (IPv4 Multicast Address Space Registry)
        "240.0.0.0/4",  # Reserved, and 255.255.255.255/32 Limited Broadcast
    )
)

# The IANA IPv6 Special-Purpose Address Registry, less the blocks that carry IPv4 (judged by that
# IPv4 below), plus the non-unicast parts of the IPv6 Address Space registry.
SPECIAL_IPV6 = tuple(
    ipaddress.IPv6Network(block)
    for block in (
        "::/96",  # Unspecified, Loopback, and deprecated IPv4-compatible addresses
        "64:ff9b:1::/48",  # IPv4-IPv6 Translation, local use: where the IPv4 sits is the network's choice
        "100::/64",  # Discard-Only Address Block
        "100:0:0:1::/64",  # Dummy IPv6 Prefix
        "2001::/23",  # IETF Protocol Assignments (benchmarking, ORCHID, AMT, AS112, anycast services)
        "2001:db8::/32",  # Documentation
        "2620:4f:8000::/48",  # Direct Delegation AS112 Service
        "3fff::/20",  # Documentation
        "5f00::/16",  # Segment Routing (SRv6) SIDs
        "fc00::/7",  # Unique-Local
        "fe80::/10",  # Link-Local Unicast
        "fec0::/10",  # Site-Local (deprecated, RFC 3879; IPv6 Address Space registry)
        "ff00::/8",  # Multicast (IPv6 Address Space registry)
    )
)

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public(address: str) -> bool:
    """True when `address` (a zone suffix such as `%eth0` allowed) is globally reachable unicast."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    inside = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else ()
    if inside:
        return all(_is_public_ip(v4) for v4 in inside)
    return _is_public_ip(ip)


def _is_public_ip(ip: IPAddress) -> bool:
    special = SPECIAL_IPV4 if isinstance(ip, ipaddress.IPv4Address) else SPECIAL_IPV6
    return ip.is_global and not (ip.is_multicast or ip.is_reserved) and not any(ip in net for net in special)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses a transition form carries: where a connection to `ip` really goes."""
    if ip.ipv4_mapped is not None:  # ::ffff:0:0/96
        return (ip.ipv4_mapped,)
    if ip in _NAT64:  # the last 32 bits
        return (ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF),)
    if ip.sixtofour is not None:  # 2002::/16, bits 16-48
        return (ip.sixtofour,)
    if ip.teredo is not None:  # 2001::/32: server bits 32-64, client the last 32 bits inverted
        return ip.teredo
    return ()
