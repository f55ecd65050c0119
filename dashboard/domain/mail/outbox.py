"""Outgoing email: stored in the transaction of the action that caused it, delivered later from the outbox."""

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.models import OutboxEmail, OutboxStatus

OUTBOX = OutboxEmail.__table__  # type: ignore[attr-defined]


def queue_email(*, session: Session, to: list[str] | str, subject: str, body_text: str, body_html: str | None = None,
                organisation_id: int | None = None, kind: str = 'other', dedupe_key: str | None = None) -> bool:
    """Adds the email to the caller's transaction; it is sent only if that transaction commits.

    With a `dedupe_key` (ids only, never personal data: e.g. `reminder:pool=7:expiry=2027-03-31:stage=30`) the email
    is queued only if no email with that key ever was, also when several processes try at once; returns whether it
    was queued."""
    recipients = [to] if isinstance(to, str) else to
    email = OutboxEmail(to_address=', '.join(dict.fromkeys(recipients)), subject=subject, body_text=body_text,
                        body_html=body_html, organisation_id=organisation_id, kind=kind)
    if dedupe_key is None:
        session.add(email)
        return True
    now = clock.now()
    insert = (sqlite.insert if session.get_bind().dialect.name == 'sqlite' else postgresql.insert)(OUTBOX)
    given = email.model_dump(exclude_unset=True)  # the fields set just above
    statement = insert.values(**given, dedupe_key=dedupe_key, status=OutboxStatus.PENDING, attempts=0,
                              created_at=now, next_attempt_at=now).on_conflict_do_nothing(
        index_elements=['dedupe_key']).returning(OUTBOX.c.id)
    return session.exec(statement).first() is not None  # no row back: the key was taken
