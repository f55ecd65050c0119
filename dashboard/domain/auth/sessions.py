"""Signed-in browsers as rows of `user_session`: opened at sign-in with a fresh random token, looked up on every
page and action, and ended by log-out, a password change, a deactivation, a role change or idleness."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from .. import clock
from .models import UserSession

TOKEN_BYTES = 32
# A session's last_seen_at is written at most this often, so that a page's checks do not write on every action.
TOUCH_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(*, session: Session, user_id: int, client_address: str | None = None) -> str:
    """A new session for the user; returns the token for the browser (the database keeps only its hash). Commits
    with the caller's transaction."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    session.add(UserSession(token_hash=token_hash(token), user_id=user_id, created_at=now, last_seen_at=now,
                            client_address=client_address[:64] if client_address else None))
    return token


def session_user_id(*, session: Session, token: str | None, idle_timeout: timedelta,
                    now: datetime | None = None) -> int | None:
    """The user of a live session, or None when the token is unknown, ended or idle for too long (then it is ended
    here). Records that the session was seen, at most once a minute."""
    if not token or len(token) > 100:
        return None
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()
    if row is None or row.ended_at is not None:
        return None
    now = now or clock.now()
    if now - row.last_seen_at > idle_timeout:
        row.ended_at, row.end_reason = now, 'idle'
        session.add(row)
        session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
        session.commit()
    return row.user_id


def end_session(*, session: Session, token: str, reason: str) -> None:
    """Ends one browser's session (log-out). Commits with the caller's transaction."""
    session.exec(update(UserSession).where(col(UserSession.token_hash) == token_hash(token),
                                           col(UserSession.ended_at).is_(None))
                 .values(ended_at=clock.now(), end_reason=reason))


def end_user_sessions(*, session: Session, user_id: int, reason: str, keep_token: str | None = None) -> int:
    """Ends every open session of the user but the one holding `keep_token`: a password change, a deactivation, a
    role change, a used reset link. Returns how many were ended. Commits with the caller's transaction."""
    query = update(UserSession).where(col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None))
    if keep_token is not None:
        query = query.where(col(UserSession.token_hash) != token_hash(keep_token))
    result = session.exec(query.values(ended_at=clock.now(), end_reason=reason))
    return result.rowcount or 0
