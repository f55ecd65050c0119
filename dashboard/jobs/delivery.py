"""Sending the outbox over SMTP: each email at most once (see `outbox_claims`), with back-off between failed attempts;
the conversation with the mail server is in `smtp_sender`."""

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from dashboard.config import Settings, get_settings
from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.safe_text import describe_character, header_text, unsafe_character
from dashboard.jobs.outbox_claims import Claimed, claim_next, lease, mark_sent, record_failure, release, worker_id
from dashboard.jobs.smtp_sender import MailServerUnavailable, PermanentlyRejected, Sender, SmtpSender


class CannotBeBuilt(Exception):
    """The email library refuses this email's data (an address or a header): it fails at once, for good."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f'the email cannot be built, so it is not retried: {type(error).__name__}: {error}')


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
                record_failure(db, email, worker=worker, now=current(), error=CannotBeBuilt(error), settings=settings,
                               permanent=True)
                continue
            try:
                note = send(message)
            except MailServerUnavailable as error:
                # Not this email's fault: it goes back to the queue uncharged, and the run stops. However long the
                # outage, no email climbs towards OUTBOX_MAX_ATTEMPTS because of it.
                release(db, email, worker=worker, error=error)
                break
            except Exception as error:  # noqa: BLE001 - whatever went wrong, the email is retried later
                record_failure(db, email, worker=worker, now=current(), error=error, settings=settings,
                               permanent=isinstance(error, PermanentlyRejected))
                continue
            sent += mark_sent(db, email, worker=worker, now=current(), note=note if isinstance(note, str) else None)
    finally:
        if smtp is not None:
            smtp.close()
    return sent


def compose(email: Claimed, settings: Settings) -> EmailMessage:
    """The message: plain text with an HTML alternative, from MAIL_FROM to the stored addresses."""
    if (char := unsafe_character(email.to_address)) is not None:
        raise ValueError(f'the address has the character {describe_character(char)}')
    message = EmailMessage()
    message['From'] = settings.mail_from
    message['To'] = email.to_address
    message['Subject'] = header_text(email.subject)  # also for emails queued before subjects were cleaned
    message['Date'] = format_datetime(email.created_at)
    message['Message-ID'] = message_id(email, settings)
    message['Auto-Submitted'] = 'auto-generated'  # no out-of-office replies, please
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype='html')
    return message


def message_id(email: Claimed, settings: Settings) -> str:
    """The same for every attempt at one outbox row, so a mail server or a reader can tell a resend."""
    domain = parseaddr(settings.mail_from)[1].rpartition('@')[2] or 'localhost'
    stamp = int(email.created_at.timestamp() * 1000)
    return f'<outbox.{email.id}.{stamp}@{domain}>'
