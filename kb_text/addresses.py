"""Who a client address stands for, as the rate limit and the visitor count see it.

One IPv4 address is usually one customer or one office (behind NAT). An IPv6 customer is
given at least a /64 network and picks addresses within it freely (privacy extensions
change them every day or on every connection), so counting IPv6 clients by their full
address would let one visitor vote once per address and reset its own rate limit by
switching. :func:`client_network` is the one rule both use.
"""

from __future__ import annotations

import ipaddress

__all__ = ["IPV6_PREFIX", "client_network"]

IPV6_PREFIX = 64
"""IPv6 clients are told apart by this many leading bits of their address."""


def client_network(address: str) -> str:
    """``address`` as the client it stands for: an IPv4 address as it is, an IPv6 address
    as its /64 network (``2001:db8:1:2::/64``), an IPv4-mapped IPv6 address as its IPv4
    address; anything that is not an IP address (a Unix socket, ``unknown``) unchanged."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone (%eth0)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)
