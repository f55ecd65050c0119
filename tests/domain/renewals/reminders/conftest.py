"""The renewal reminder tests' world: a fixed Monday morning, accounts with a main contact, and the emails queued."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from dashboard.domain.models import Organisation, OutboxEmail
from tests.factories import make_organisation, make_user

NOW = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)  # a Monday, ISO week 2027-W01
TODAY = NOW.date()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def at(n: int) -> datetime:
    """NOW, n days later."""
    return NOW + timedelta(days=n)


def sent(db, kind: str = 'renewal_reminder') -> list[OutboxEmail]:
    with db.session() as fresh:
        return list(fresh.exec(select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)).all())


def stages_sent(db) -> list[str]:
    return [email.dedupe_key.rsplit(':', 2)[1:] for email in sent(db)]  # type: ignore[union-attr]


def account(session: Session, **overrides) -> Organisation:
    """An organisation with a billing admin, who is its main contact."""
    organisation = make_organisation(session, **overrides)
    contact = make_user(session, organisation, 'billing_admin')
    organisation.main_contact_id = contact.id
    session.add(organisation)
    session.commit()
    return organisation
