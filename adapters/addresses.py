"""Which addresses a fetch may reach: the public internet, never a private network.

Python's `is_global` is the starting point, but it lags the registries (Python 3.11 calls the
local-use NAT64 prefix `64:ff9b:1::/48` global), counts multicast and IPv6 site-local as global,
and knows nothing of an IPv4 address carried inside an IPv6 one (`::ffff:10.0.0.1`). So an
address is public only when `is_global` says so, it is not multicast, no block of the IANA
special-purpose registries that is not globally reachable holds it, and the IPv4 address it
stands for on the wire, if any, is public too.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The blocks whose "Globally Reachable" is False (or not applicable) in the IANA IPv4 and IPv6
# Special-Purpose Address Registries (iana.org/assignments/iana-ipv4-special-registry and
# iana-ipv6-special-registry, as updated in 2024), and the IPv6 ones RFCs reserve since.
NOT_GLOBALLY_REACHABLE = tuple(
    ipaddress.ip_network(block)
    for block in (
        # IPv4
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",  # private use
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link local
        "172.16.0.0/12",  # private use
        "192.0.0.0/29",  # IPv4 service continuity prefix (DS-Lite)
        "192.0.0.8/32",  # IPv4 dummy address
        "192.0.0.170/31",  # NAT64/DNS64 discovery
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private use
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "240.0.0.0/4",  # reserved
        "255.255.255.255/32",  # limited broadcast
        # IPv6
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::ffff:0:0/96",  # IPv4-mapped: judged by the IPv4 address inside, before this list
        "64:ff9b:1::/48",  # IPv4-IPv6 translation, local use
        "100::/64",  # discard-only
        "100:0:0:1::/64",  # dummy IPv6 prefix
        "2001::/32",  # Teredo (a tunnel: refused)
        "2001:2::/48",  # benchmarking
        "2001:10::/28",  # deprecated ORCHID
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4 (a deprecated tunnel: refused)
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local unicast
        "fec0::/10",  # site-local, deprecated
    )
)
_BLOCKS = {
    version: [b for b in NOT_GLOBALLY_REACHABLE if b.version == version] for version in (4, 6)
}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for on the wire (mapped, NAT64, 6to4, compatible)."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return address.sixtofour


def is_public_address(address: IPAddress) -> bool:
    """Whether an address is on the public internet, so fetching it cannot reach a private
    network."""
    embedded = embedded_ipv4(address)
    if embedded is not None and not is_public_address(embedded):
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return True  # the mapped IPv4 address is what gets connected to, and it is public
    if any(address in block for block in _BLOCKS[address.version]):
        return False
    return address.is_global and not address.is_multicast


def never_a_web_server(address: IPAddress) -> bool:
    """Unspecified and multicast addresses serve no page, so even `allow_private` refuses them."""
    target = embedded_ipv4(address) or address
    return target.is_unspecified or target.is_multicast
