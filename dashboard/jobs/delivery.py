"""Sending the outbox over SMTP: each email at most once, with back-off between failed attempts.

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
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr

from sqlalchemy import and_, case, or_, select, update
from sqlmodel import Session

from dashboard.config import Settings, get_settings
from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.models import OutboxEmail, OutboxStatus
from dashboard.domain.safe_text import describe_character, header_text, unsafe_character

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ERROR = 2000
MARK_SENT_WAITS = (0.2, 0.5, 1.0, 2.0)
"""Seconds between tries at marking a sent email sent, when the database fails us."""
UNAVAILABLE = 'The mail server is unavailable (not counted as an attempt): '
TAKEN_OVER = 'The worker sending it stopped before it was marked sent; sent again once its lease ran out.'

Sender = Callable[[EmailMessage], str | None]
"""Hands one message to the mail server; raises on failure; may return a note on a part of it that failed (some
recipients refused), kept in `last_error` of the sent email. Tests inject their own."""


class MailServerUnavailable(Exception):
    """The server cannot be reached or refuses us (connection, TLS, log-in, 421, our sender refused, a drop before
    it accepted the message): no point trying the next email now, and no email is charged an attempt for it."""


class PermanentlyRejected(Exception):
    """The server refused this email for good (every recipient refused with a 5xx code): retrying cannot help."""


class CannotBeBuilt(Exception):
    """The email library refuses this email's data (an address or a header): it fails at once, for good."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f'the email cannot be built, so it is not retried: {type(error).__name__}: {error}')


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


def deliver_outbox(db: Database, *, now: datetime | None = None, limit: int = 50, sender: Sender | None = None,
                   settings: Settings | None = None) -> int:
    """Sends up to `limit` due emails; returns how many went out. Without an SMTP host (and no `sender`) it does
    nothing: the mail stays in the outbox. `now` fixes the clock (tests); else each step reads the time afresh."""
    settings = settings or get_settings()
    if sender is None and not settings.smtp_host:
        return 0
    current = (lambda: now) if now is not None else clock.now
    worker = worker_id()
    smtp = SmtpSender(settings) if sender is None else None
    send = sender or smtp
    assert send is not None
    sent = 0
    try:
        for _ in range(limit):
            with db.session() as session:
                email = claim_next(session=session, worker=worker, now=current(), lease=lease(settings))
            if email is None:
                break
            try:
                message = compose(email, settings)
            except Exception as error:  # noqa: BLE001 - the same data gives the same failure: never retried
                _record_failure(db, email, worker=worker, now=current(), error=CannotBeBuilt(error), settings=settings,
                                permanent=True)
                continue
            try:
                note = send(message)
            except MailServerUnavailable as error:
                # Not this email's fault: it goes back to the queue uncharged, and the run stops. However long the
                # outage, no email climbs towards OUTBOX_MAX_ATTEMPTS because of it.
                _release(db, email, worker=worker, error=error)
                break
            except Exception as error:  # noqa: BLE001 - whatever went wrong, the email is retried later
                _record_failure(db, email, worker=worker, now=current(), error=error, settings=settings,
                                permanent=isinstance(error, PermanentlyRejected))
                continue
            sent += _mark_sent(db, email, worker=worker, now=current(), note=note if isinstance(note, str) else None)
    finally:
        if smtp is not None:
            smtp.close()
    return sent


def claim_next(*, session: Session, worker: str, now: datetime, lease: timedelta = LEASE) -> Claimed | None:
    """Takes the next due email for `worker` until `now + lease`, committed before this returns; None if none is
    due. Due: pending and its next attempt time has come, or being sent by a worker whose lease has run out."""
    table = OutboxEmail.__table__  # type: ignore[attr-defined]
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


def _due(table, now: datetime):
    return or_(and_(table.c.status == OutboxStatus.PENDING, table.c.next_attempt_at <= now),
               and_(table.c.status == OutboxStatus.SENDING, table.c.claimed_until < now))


def compose(email: Claimed, settings: Settings) -> EmailMessage:
    """The message: plain text with an HTML alternative, from MAIL_FROM to the stored addresses."""
    if (char := unsafe_character(email.to_address)) is not None:
        raise ValueError(f'the address has the character {describe_character(char)}')
    message = EmailMessage()
    message['From'] = settings.mail_from
    message['To'] = email.to_address
    message['Subject'] = header_text(email.subject)  # also for emails queued before subjects were cleaned
    created = email.created_at if email.created_at.tzinfo else email.created_at.replace(tzinfo=UTC)  # SQLite
    message['Date'] = format_datetime(created)
    message['Message-ID'] = message_id(email, settings)
    message['Auto-Submitted'] = 'auto-generated'  # no out-of-office replies, please
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype='html')
    return message


def message_id(email: Claimed, settings: Settings) -> str:
    """The same for every attempt at one outbox row, so a mail server or a reader can tell a resend."""
    domain = parseaddr(settings.mail_from)[1].rpartition('@')[2] or 'localhost'
    created = email.created_at if email.created_at.tzinfo else email.created_at.replace(tzinfo=UTC)
    stamp = int(created.timestamp() * 1000)
    return f'<outbox.{email.id}.{stamp}@{domain}>'


def retry_delay(failures: int) -> timedelta:
    """After the 1st failure 1 minute, then 2, 4, 8, ... minutes, at most LONGEST_RETRY."""
    return min(FIRST_RETRY * 2 ** min(failures - 1, 20), LONGEST_RETRY)


def lease(settings: Settings) -> timedelta:
    """Long enough for any one send: connecting, TLS, log-in and the SMTP commands each wait at most SMTP_TIMEOUT."""
    return max(LEASE, timedelta(seconds=settings.smtp_timeout * 10))


def worker_id() -> str:
    """Names the worker in `claimed_by`: host, process and a random part (several threads of one process differ)."""
    return f'{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}'


def _mark_sent(db: Database, email: Claimed, *, worker: str, now: datetime, note: str | None = None) -> int:
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
    table = OutboxEmail.__table__  # type: ignore[attr-defined]
    noted = {'last_error': note[:MAX_ERROR]} if note else {}
    with db.session() as session:
        marked = session.execute(update(table).where(table.c.id == email.id, table.c.claimed_by == worker,
                                                     table.c.status == OutboxStatus.SENDING)
                                 .values(status=OutboxStatus.SENT, sent_at=now, claimed_until=None, **noted)).rowcount
        session.commit()
    return marked


def _release(db: Database, email: Claimed, *, worker: str, error: Exception) -> None:
    """Gives a claimed email back, pending as before, without counting an attempt; `last_error` says why, so the
    Outbox page shows that the server is unavailable. Its next attempt time is unchanged: due at the next run."""
    message = f'{UNAVAILABLE}{error}'[:MAX_ERROR]
    log.warning('Outbox email %s not sent, the mail server is unavailable; stopping this run: %s', email.id, error)
    table = OutboxEmail.__table__  # type: ignore[attr-defined]
    with db.session() as session:
        session.execute(update(table).where(table.c.id == email.id, table.c.claimed_by == worker,
                                            table.c.status == OutboxStatus.SENDING)
                        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None,
                                last_error=message))
        session.commit()


def _record_failure(db: Database, email: Claimed, *, worker: str, now: datetime, error: Exception,
                    settings: Settings, permanent: bool = False) -> None:
    failures = email.attempts + 1
    gives_up = permanent or failures >= settings.outbox_max_attempts
    message = f'{type(error).__name__}: {error}'[:MAX_ERROR]
    log.warning('Outbox email %s not sent (attempt %s%s): %s', email.id, failures,
                ', giving up' if gives_up else '', message)
    table = OutboxEmail.__table__  # type: ignore[attr-defined]
    with db.session() as session:
        session.execute(update(table).where(table.c.id == email.id, table.c.claimed_by == worker,
                                            table.c.status == OutboxStatus.SENDING)
                        .values(status=OutboxStatus.FAILED if gives_up else OutboxStatus.PENDING, attempts=failures,
                                last_error=message, next_attempt_at=now + retry_delay(failures),
                                claimed_until=None))
        session.commit()


class SmtpSender:
    """One SMTP connection, opened at the first message and kept for the next ones of the same run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __call__(self, message: EmailMessage) -> str | None:
        """Sends it; returns what the server refused of it, if it accepted it for some recipients only."""
        recipients = [address for _name, address in getaddresses([message['To']]) if address]
        sender = parseaddr(self.settings.mail_from)[1]
        connection = self.connection or self._connect()
        try:
            refused = connection.send_message(message, from_addr=sender, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()  # a fresh connection for the next message: smtplib leaves this one mid-transaction
            if any(code == 421 for code, _text in error.recipients.values()):
                raise MailServerUnavailable(f'every recipient deferred: {_refusals(error.recipients)}') from error
            if all(500 <= code < 600 for code, _text in error.recipients.values()):
                raise PermanentlyRejected(f'every recipient refused: {_refusals(error.recipients)}') from error
            raise
        except smtplib.SMTPServerDisconnected as error:
            self.connection = None
            raise MailServerUnavailable(f'the mail server closed the connection: {error}') from error
        except smtplib.SMTPSenderRefused as error:  # MAIL FROM refused: every email would be, whatever its recipient
            self.close()
            raise MailServerUnavailable(f'the mail server refused the sender {error.sender}: '
                                        f'{error.smtp_code} {_text(error.smtp_error)}') from error
        except smtplib.SMTPResponseException as error:
            self.close()
            if error.smtp_code == 421:  # 'service not available', at any step
                raise MailServerUnavailable(f'{error.smtp_code} {_text(error.smtp_error)}') from error
            if error.smtp_code == 552:  # too big, or over a quota: this message, for good
                raise PermanentlyRejected(f'{error.smtp_code} {_text(error.smtp_error)}') from error
            raise
        except smtplib.SMTPException:  # smtplib's errors are OSErrors too, but these are about this message
            self.close()
            raise
        except OSError as error:  # the connection broke or timed out mid-transaction
            self.close()
            raise MailServerUnavailable(f'the connection to the mail server failed: {type(error).__name__}: '
                                        f'{error}') from error
        except Exception:
            self.close()
            raise
        if refused:
            log.warning('%s accepted, but not for %s', message['Message-ID'], _refusals(refused))
            return f'Refused by the server: {_refusals(refused)}'
        return None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            connection = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            try:
                if s.smtp_starttls:
                    connection.starttls(context=ssl.create_default_context())
                if s.smtp_username:
                    connection.login(s.smtp_username, s.smtp_password)
            except BaseException:
                connection.close()
                raise
        except (OSError, smtplib.SMTPException) as error:
            raise MailServerUnavailable(f'cannot use the mail server {s.smtp_host}:{s.smtp_port}: '
                                        f'{type(error).__name__}: {error}') from error
        self.connection = connection
        return connection

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


def _refusals(refused: dict) -> str:
    return '; '.join(f'{address} ({code} {_text(text)})' for address, (code, text) in refused.items())


def _text(text: bytes | str) -> str:
    return text.decode(errors='replace') if isinstance(text, bytes) else str(text)
