"""Visitor ids without cookies: a daily-salted HMAC of the client's address.

``visitor = HMAC-SHA256(salt of the day, client network)``, cut to 128 bits, where the
client network is the IPv4 address, or the /64 network of an IPv6 address
(:func:`kb_text.addresses.client_network`: an IPv6 customer picks addresses in its /64
at will). The user agent is not part of it: a client sends whatever it likes there, and
one that changed it on every request counted as a new visitor each time, voting and
viewing as often as it wanted. The trade-off: readers behind one address (an office, a
school, a carrier's NAT) count as one visitor per article and day.

The salt is 32 random bytes kept in the database (so that every worker and replica
computes the same id on the same day) and deleted when the day is over: after that,
nobody, not even someone holding the database, can recompute an id from an address, and
ids of two days cannot be linked. The address itself is never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import Connection, delete, select

from kb_feedback.storage.engine import insert_for
from kb_feedback.storage.schema import VISITOR_LEN, salts
from kb_text.addresses import client_network

__all__ = ["daily_salt", "visitor_id"]


def visitor_id(salt: bytes, client_address: str) -> str:
    """The id of the visitor at ``client_address`` for the day of ``salt``: 32 hex
    characters, the same for every address of one IPv6 /64."""
    message = client_network(client_address).encode("utf-8", "replace")
    return hmac.new(salt, message, hashlib.sha256).hexdigest()[:VISITOR_LEN]


def daily_salt(conn: Connection, day: dt.date) -> bytes:
    """The salt of ``day``, created by whichever process asks first; older salts are deleted.

    Runs in the caller's transaction; the insert comes first so that the transaction
    starts as a write (on SQLite, a read that later writes can fail under contention).
    """
    conn.execute(
        insert_for(conn.dialect.name, salts)
        .values(day=day, salt=secrets.token_bytes(32))
        .on_conflict_do_nothing()
    )
    conn.execute(delete(salts).where(salts.c.day < day))
    salt = conn.scalar(select(salts.c.salt).where(salts.c.day == day))
    assert salt is not None
    return bytes(salt)
