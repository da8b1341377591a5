"""Staff accounts: salted scrypt password hashes, constant-time verification."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.store.models import StaffUser, utcnow

_N, _R, _P = 2**14, 8, 1


class AccountExists(ValueError):
    """A staff account with that username already exists."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """scrypt$N$r$p$salt$hash, all parameters kept so they can be raised later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check against a stored hash; False on any malformed hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# A hash of a random password, checked when the username is unknown so timing does not tell.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def create(session: Session, username: str, password: str, display_name: str) -> StaffUser:
    """Create an account; AccountExists when the username is taken."""
    if session.scalar(select(StaffUser).where(StaffUser.username == username)) is not None:
        raise AccountExists(username)
    user = StaffUser(
        username=username,
        password_hash=hash_password(password),
        display_name=display_name,
        created_at=utcnow(),
    )
    session.add(user)
    session.commit()
    return user


def set_password(session: Session, username: str, password: str) -> bool:
    """Replace a password; False when the user does not exist."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        return False
    user.password_hash = hash_password(password)
    session.commit()
    return True


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The user when the password matches, else None (same work either way)."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        verify_password(password, _DUMMY_HASH)
        return None
    return user if verify_password(password, user.password_hash) else None


def get_by_username(session: Session, username: str) -> StaffUser | None:
    """Look up an account by username."""
    return session.scalar(select(StaffUser).where(StaffUser.username == username))

