"""Outgoing email: stored in the transaction of the action that caused it, delivered later from the outbox."""

from sqlmodel import Session

from .models import OutboxEmail


def queue_email(*, session: Session, to: list[str] | str, subject: str, body_text: str, body_html: str | None = None,
                organisation_id: int | None = None) -> OutboxEmail:
    """Adds the email to the caller's transaction; it is sent only if that transaction commits."""
    recipients = [to] if isinstance(to, str) else to
    email = OutboxEmail(to_address=', '.join(dict.fromkeys(recipients)), subject=subject, body_text=body_text,
                        body_html=body_html, organisation_id=organisation_id)
    session.add(email)
    return email
