"""Small factories for domain tests: each makes one valid row, with any column overridable."""

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.history.recording import record_history
from dashboard.domain.models import DeletionRequest, LicenceHistory, LicencePool, LicenceRequest, Organisation, User
from tests.two_factor_codes import TEST_TOTP_SECRET

_numbers = itertools.count(1)


def make_organisation(session: Session, **overrides) -> Organisation:
    n = next(_numbers)
    values = {'serial_number': f'SN-{n:06d}', 'name': f'Organisation {n}', 'plan': 'paid', 'region': 'eu',
              'subscription_end': clock.today() + timedelta(days=200)}
    organisation = Organisation(**{**values, **overrides})
    session.add(organisation)
    session.commit()
    return organisation


def make_user(session: Session, organisation: Organisation | None, role: str = 'billing_admin', **overrides) -> User:
    """The Admin Team must use two-factor sign-in: a vendor admin gets TEST_TOTP_SECRET, on, unless the test says
    otherwise (`totp_secret=None`)."""
    n = next(_numbers)
    email = overrides.pop('email', f'user{n}@example.com')
    values = {'organisation_id': organisation.id if organisation else None, 'full_name': f'User {n}',
              'email': email, 'email_key': email.lower(), 'phone': '+44 20 7946 0000', 'role': role}
    if role == 'vendor_admin' and 'totp_secret' not in overrides:
        values.update(totp_secret=TEST_TOTP_SECRET, totp_enabled_at=clock.now())
    user = User(**{**values, **overrides})
    session.add(user)
    session.commit()
    return user


def make_pool(session: Session, organisation: Organisation, kind: str = 'managed_agent', **overrides) -> LicencePool:
    values = {'organisation_id': organisation.id, 'kind': kind, 'total': 50, 'in_use': 20,
              'expiry_date': date.today() + timedelta(days=120)}
    pool = LicencePool(**{**values, **overrides})
    session.add(pool)
    session.commit()
    return pool


def make_history(session: Session, organisation: Organisation, **overrides) -> LicenceHistory:
    """One licence history row, written by `record_history` as the product writes them; a minute after the last."""
    n = next(_numbers)
    values = {'occurred_at': datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n), 'actor': f'User {n}',
              'action': 'licences_increased', 'kind': 'managed_agent', 'old_value': '10', 'new_value': '20',
              'note': None, 'by_vendor': False}
    record_history(session=session, organisation_id=organisation.id, **{**values, **overrides})
    session.commit()
    return session.exec(select(LicenceHistory).order_by(col(LicenceHistory.id).desc())).first()


def make_deletion_request(session: Session, organisation: Organisation, status: str = 'pending',
                          **overrides) -> DeletionRequest:
    values = {'organisation_id': organisation.id, 'requested_by_name': 'Someone Else',
              'effective_date': organisation.subscription_end, 'status': status}
    request = DeletionRequest(**{**values, **overrides})
    session.add(request)
    session.commit()
    return request


def make_licence_request(session: Session, organisation: Organisation, **overrides) -> LicenceRequest:
    values = {'organisation_id': organisation.id, 'requested_by_name': 'Someone Else', 'kind': 'managed_agent',
              'quantity': 25, 'message': 'For the new branch office'}
    request = LicenceRequest(**{**values, **overrides})
    session.add(request)
    session.commit()
    return request


def actor(user: User) -> Actor:
    return Actor.of(user)
