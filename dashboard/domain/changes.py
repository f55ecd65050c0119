"""What a transaction changed, announced once it commits: the change feed tells every open page.

Domain operations only mark what they change (`announce`); the session's commit hands the marks to the change feed
of the `Database` that made the session (see `dashboard.live`). A rolled-back transaction announces nothing."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

PENDING_KEY = 'announced_changes'
FEED_KEY = 'change_feed'
SESSIONS_ENDED = 'sessions_ended'


@dataclass(frozen=True)
class Change:
    """Something about an organisation changed: its licences, its plan, its contact, its requests. Or, with `what`
    `SESSIONS_ENDED`, sign-in sessions ended (`session_ids`; `organisation_id` is 0): their open pages end."""

    organisation_id: int
    what: str
    session_ids: tuple[int, ...] = ()


def announce(session: Session, organisation_id: int, what: str) -> None:
    """Marks a change in the caller's transaction; it is published only if, and when, that transaction commits."""
    session.connection()  # the transaction the mark belongs to, begun now if need be, so a rollback drops it
    session.info.setdefault(PENDING_KEY, []).append(Change(organisation_id=organisation_id, what=what))


def announce_sessions_ended(session: Session, session_ids: Iterable[int]) -> None:
    """Marks sign-in sessions as ended in the caller's transaction, published like any change when it commits."""
    ended = tuple(sorted(set(session_ids)))
    if ended:
        session.connection()
        session.info.setdefault(PENDING_KEY, []).append(Change(organisation_id=0, what=SESSIONS_ENDED,
                                                               session_ids=ended))


@event.listens_for(Session, 'after_commit')
def _publish(session: Session) -> None:
    changes = session.info.pop(PENDING_KEY, None)
    feed = session.info.get(FEED_KEY)
    if changes and feed is not None:
        feed.publish(list(dict.fromkeys(changes)))


@event.listens_for(Session, 'after_soft_rollback')
def _forget(session: Session, _previous_transaction: SessionTransaction) -> None:
    session.info.pop(PENDING_KEY, None)
