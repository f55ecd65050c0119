"""Small factories for domain tests: each makes one valid row, with any column overridable."""

import itertools
from datetime import date, timedelta

from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.models import LicencePool, Organisation, User

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
    n = next(_numbers)
    email = overrides.pop('email', f'user{n}@example.com')
    values = {'organisation_id': organisation.id if organisation else None, 'full_name': f'User {n}',
              'email': email, 'email_key': email.lower(), 'phone': '+44 20 7946 0000', 'role': role}
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


def actor(user: User) -> Actor:
    return Actor.of(user)
