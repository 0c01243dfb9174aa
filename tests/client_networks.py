"""Requests that tell whether a rate limit counts clients by network (imported by
tests/kb_api and tests/deploy)."""

from __future__ import annotations

import httpx

__all__ = ["check_networks"]


def check_networks(url: str) -> None:
    """With a limit of 3 requests per client, and X-Forwarded-For trusted: the addresses
    of one /64 share a budget, as do an IPv4 address and its IPv4-mapped form."""

    def get(address: str) -> int:
        headers = {"x-forwarded-for": address}
        return httpx.get(f"{url}/api/search", params={"q": "dns"}, headers=headers).status_code

    same_64 = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:a:b:c:d"]
    assert [get(a) for a in same_64] == [200, 200, 200]
    assert get("2001:db8:1:2:ffff:ffff:ffff:ffff") == 429  # the same /64
    assert get("2001:db8:1:3::1") == 200  # the next /64 is another client
    assert [get("198.51.100.7") for _ in range(3)] == [200, 200, 200]
    assert get("::ffff:198.51.100.7") == 429  # the same IPv4 client, mapped
    assert get("198.51.100.8") == 200
