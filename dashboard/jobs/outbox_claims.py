"""The outbox's bookkeeping for sending each email at most once: claims, leases and retries.

How an email is sent at most once, even with several workers and a crash at any moment:
1. A worker *claims* one due email in a transaction of its own and commits it before it sends anything: status
   `sending`, `claimed_by` its id, `claimed_until` the end of a lease. On PostgreSQL the row is picked with
   `FOR UPDATE SKIP LOCKED`; on SQLite, whose writers take turns, by one guarded UPDATE. Either way the UPDATE's
   WHERE re-checks that the row is still due, so two workers never hold the same email.
2. It sends it (one SMTP transaction; `Message-ID` is made from the outbox row, so a resend is recognisable).
3. Right after the server accepted it, it marks it `sent`, only if it still holds the claim.
A worker that dies before step 2 finishes sends nothing: when its lease runs out another worker sends the email. The
one window left is between the server accepting the mail and step 3 committing (one UPDATE by primary key,
milliseconds): a crash exactly there sends the email again once the lease runs out, with the same Message-ID, and
the take-over is counted as a failed attempt with a note in `last_error`, so the Outbox page shows it. The lease is
far longer than a send can take (`LEASE` and `SMTP_TIMEOUT`), so a slow send is never taken over.
"""

import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, FromClause, Update, and_, case, or_, select, update
from sqlmodel import Session

from dashboard.config import Settings
from dashboard.db import Database, table_of
from dashboard.domain.models import OutboxEmail, OutboxStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ERROR = 2000
MARK_SENT_WAITS = (0.2, 0.5, 1.0, 2.0)
"""Seconds between tries at marking a sent email sent, when the database fails us."""
UNAVAILABLE = 'The mail server is unavailable (not counted as an attempt): '
TAKEN_OVER = 'The worker sending it stopped before it was marked sent; sent again once its lease ran out.'
_OUTBOX = table_of(OutboxEmail)


@dataclass(frozen=True)
class Claimed:
    """What a worker needs of an email it holds: all but the bookkeeping columns."""

    id: int
    created_at: datetime
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    attempts: int


def claim_next(*, session: Session, worker: str, now: datetime, lease: timedelta = LEASE) -> Claimed | None:
    """Takes the next due email for `worker` until `now + lease`, committed before this returns; None if none is
    due. Due: pending and its next attempt time has come, or being sent by a worker whose lease has run out."""
    table = _OUTBOX
    other = table.alias('candidate')
    candidate = select(other.c.id).where(_due(other, now)).order_by(other.c.next_attempt_at, other.c.id).limit(1)
    if session.get_bind().dialect.name == 'postgresql':
        candidate = candidate.with_for_update(skip_locked=True)  # others pass over the row this one is taking
    taken_over = table.c.status == OutboxStatus.SENDING
    statement = (update(table).where(table.c.id == candidate.scalar_subquery(), _due(table, now))
                 .values(status=OutboxStatus.SENDING, claimed_by=worker, claimed_until=now + lease,
                         # taking over from a worker that stopped mid-send counts as its failed attempt
                         attempts=case((taken_over, table.c.attempts + 1), else_=table.c.attempts),
                         last_error=case((taken_over, TAKEN_OVER), else_=table.c.last_error))
                 .returning(table.c.id, table.c.created_at, table.c.to_address, table.c.subject, table.c.body_text,
                            table.c.body_html, table.c.attempts))
    row = session.execute(statement).first()
    session.commit()
    return Claimed(**row._mapping) if row else None


def _due(table: FromClause, now: datetime) -> ColumnElement[bool]:
    return or_(and_(table.c.status == OutboxStatus.PENDING, table.c.next_attempt_at <= now),
               and_(table.c.status == OutboxStatus.SENDING, table.c.claimed_until < now))


def retry_delay(failures: int) -> timedelta:
    """After the 1st failure 1 minute, then 2, 4, 8, ... minutes, at most LONGEST_RETRY."""
    return min(FIRST_RETRY * 2 ** min(failures - 1, 20), LONGEST_RETRY)


def lease(settings: Settings) -> timedelta:
    """Long enough for any one send: connecting, TLS, log-in and the SMTP commands each wait at most SMTP_TIMEOUT."""
    return max(LEASE, timedelta(seconds=settings.smtp_timeout * 10))


def worker_id() -> str:
    """Names the worker in `claimed_by`: host, process and a random part (several threads of one process differ)."""
    return f'{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}'


def mark_sent(db: Database, email: Claimed, *, worker: str, now: datetime, note: str | None = None) -> int:
    """Marks a sent email sent. The server has it already, so a failing UPDATE (database busy, connection dropped)
    must not end the run: it is tried again with a fresh session after a short wait, and if it still fails that is
    logged loudly and the run goes on (the email will be sent again once its lease runs out, same Message-ID)."""
    for attempt, wait in enumerate((*MARK_SENT_WAITS, None), start=1):
        try:
            marked = _update_sent(db, email, worker=worker, now=now, note=note)
        except Exception:  # noqa: BLE001 - whatever the database said, the next email still goes
            if wait is None:
                log.exception('Outbox email %s was SENT but could not be marked sent after %s tries: it will be '
                              'sent again when its lease runs out', email.id, attempt)
                return 1
            log.warning('Outbox email %s was sent, marking it sent failed (try %s); trying again', email.id, attempt,
                        exc_info=True)
            time.sleep(wait)
            continue
        if marked != 1:  # only if the lease ran out mid-send and another worker took the email over
            log.warning('Outbox email %s was sent, but another worker had taken it over meanwhile', email.id)
        return 1
    return 1  # not reached


def _update_sent(db: Database, email: Claimed, *, worker: str, now: datetime, note: str | None = None) -> int:
    noted = {'last_error': note[:MAX_ERROR]} if note else {}
    statement = _still_held(email, worker).values(status=OutboxStatus.SENT, sent_at=now, claimed_until=None, **noted)
    with db.session() as session:
        marked = session.connection().execute(statement).rowcount
        session.commit()
    return marked


def release(db: Database, email: Claimed, *, worker: str, error: Exception) -> None:
    """Gives a claimed email back, pending as before, without counting an attempt; `last_error` says why, so the
    Outbox page shows that the server is unavailable. Its next attempt time is unchanged: due at the next run."""
    message = f'{UNAVAILABLE}{error}'[:MAX_ERROR]
    log.warning('Outbox email %s not sent, the mail server is unavailable; stopping this run: %s', email.id, error)
    with db.session() as session:
        session.execute(_still_held(email, worker).values(status=OutboxStatus.PENDING, claimed_by=None,
                                                          claimed_until=None, last_error=message))
        session.commit()


def record_failure(db: Database, email: Claimed, *, worker: str, now: datetime, error: Exception,
                   settings: Settings, permanent: bool = False) -> None:
    failures = email.attempts + 1
    gives_up = permanent or failures >= settings.outbox_max_attempts
    message = f'{type(error).__name__}: {error}'[:MAX_ERROR]
    log.warning('Outbox email %s not sent (attempt %s%s): %s', email.id, failures,
                ', giving up' if gives_up else '', message)
    with db.session() as session:
        session.execute(_still_held(email, worker)
                        .values(status=OutboxStatus.FAILED if gives_up else OutboxStatus.PENDING, attempts=failures,
                                last_error=message, next_attempt_at=now + retry_delay(failures),
                                claimed_until=None))
        session.commit()


def _still_held(email: Claimed, worker: str) -> Update:
    """An UPDATE of the email that changes nothing unless `worker` still holds it."""
    return update(_OUTBOX).where(_OUTBOX.c.id == email.id, _OUTBOX.c.claimed_by == worker,
                                 _OUTBOX.c.status == OutboxStatus.SENDING)
