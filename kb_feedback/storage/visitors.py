"""Visitor ids without cookies: a daily-salted HMAC of client address and user agent.

``visitor = HMAC-SHA256(salt of the day, address + "\\n" + user agent)``, cut to 128 bits.
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

__all__ = ["daily_salt", "visitor_id"]


def visitor_id(salt: bytes, client_address: str, user_agent: str) -> str:
    """The visitor's id for the day of ``salt``: 32 hex characters."""
    message = f"{client_address}\n{user_agent}".encode("utf-8", "replace")
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
