"""Signed-in browsers as rows of `user_session`: opened at sign-in with a fresh random token, looked up on every
page and action, and ended by log-out, a password change, a deactivation, a role change or idleness."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, and_
from sqlmodel import Session, col, select, update

from dashboard.domain import clock
from dashboard.domain.auth.models import UserSession
from dashboard.domain.changes import announce_sessions_ended
from dashboard.domain.models import User

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
    row = live_session(session=session, token=token, idle_timeout=idle_timeout, now=now)
    return row.user_id if row is not None else None


def live_session(*, session: Session, token: str | None, idle_timeout: timedelta, now: datetime | None = None,
                 touch: bool = True) -> UserSession | None:
    """The live session holding `token`, as `session_user_id` finds it; `touch=False` only looks (an open page
    that nobody used must not keep its session alive)."""
    if not token or len(token) > 100:
        return None
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()
    if row is None or row.ended_at is not None:
        return None
    now = now or clock.now()
    if now - row.last_seen_at > idle_timeout:
        row.ended_at, row.end_reason = now, 'idle'
        session.add(row)
        assert row.id is not None  # read from the database
        announce_sessions_ended(session, [row.id])
        session.commit()
        return None
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
        session.commit()
    return row


def end_session(*, session: Session, token: str, reason: str) -> None:
    """Ends one browser's session (log-out). Commits with the caller's transaction."""
    ended = close_sessions(session, col(UserSession.token_hash) == token_hash(token), reason=reason)
    announce_sessions_ended(session, ended)


def end_user_sessions(*, session: Session, user_id: int, reason: str, keep_token: str | None = None) -> int:
    """Ends every open session of the user but the one holding `keep_token`: a password change, a deactivation, a
    role change, a used reset link. Returns how many were ended. Commits with the caller's transaction; every page
    of an ended session hears of it through the change feed."""
    condition = col(UserSession.user_id) == user_id
    if keep_token is not None:
        condition = and_(condition, col(UserSession.token_hash) != token_hash(keep_token))
    ended = close_sessions(session, condition, reason=reason)
    announce_sessions_ended(session, ended)
    return len(ended)


def end_organisation_sessions(*, session: Session, organisation_id: int, reason: str) -> int:
    """Ends every open session of the organisation's users: it was cancelled, or its people deactivated."""
    users = select(User.id).where(col(User.organisation_id) == organisation_id)
    ended = close_sessions(session, col(UserSession.user_id).in_(users), reason=reason)
    announce_sessions_ended(session, ended)
    return len(ended)


def close_sessions(executor: Session | Connection, condition: ColumnElement[bool], *, reason: str) -> list[int]:
    """Ends the open sessions that match, in the caller's transaction, and returns their ids. The caller announces
    them (`announce_sessions_ended`, or the change feed's `publish` after a plain connection's commit)."""
    query = select(UserSession.id).where(condition, col(UserSession.ended_at).is_(None))
    ended = [row[0] for row in executor.execute(query).all()]
    for start in range(0, len(ended), 500):
        chunk = ended[start:start + 500]
        executor.execute(update(UserSession).where(col(UserSession.id).in_(chunk), col(UserSession.ended_at).is_(None))
                         .values(ended_at=clock.now(), end_reason=reason).execution_options(synchronize_session=False))
    return ended
