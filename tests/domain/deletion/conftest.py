"""The deletion lifecycle's world, driven by an explicit clock: an organisation with every kind of person the
lifecycle treats differently, the vendor's Admin Team, and what the tests read back."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, col, select

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.auth.accounts import set_password
from dashboard.domain.billing.licence_requests import mark_licence_request_handled
from dashboard.domain.deletion.requests import request_deletion
from dashboard.domain.models import DeletionRequest, Organisation, OutboxEmail, User
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.factories import actor, make_history, make_licence_request, make_organisation, make_pool, make_user

TODAY = date(2026, 6, 15)
EFFECTIVE = date(2027, 3, 5)
LAST_MOMENT = datetime(2027, 3, 5, 23, 59, 59, tzinfo=UTC)  # the effective date: the account is still paid for
THE_DAY_AFTER = datetime(2027, 3, 6, 0, 5, tzinfo=UTC)  # the first run once the effective date has ended
PASSWORD = 'correct horse battery'
SUPPORT = get_settings().vendor_support_email
CONTACTS = 'vera@acme.example, abe@acme.example, greta@acme.example'


class Acme:
    """An organisation with every kind of person the lifecycle treats differently, and the vendor's Admin Team."""

    def __init__(self, session: Session) -> None:
        self.organisation = make_organisation(session, name='Acme Remote Ltd', serial_number='NS-7781-QX',
                                              subscription_end=EFFECTIVE)
        people = [('global_admin', 'Greta Global', 'greta@acme.example', '+44 20 7946 0101'),
                  ('billing_admin', 'Abe Admin', 'abe@acme.example', '+44 20 7946 0102'),
                  ('viewer', 'Vera Viewer', 'vera@acme.example', '+44 20 7946 0103'),
                  ('user', 'Ulf User', 'ulf@acme.example', '+44 20 7946 0104')]
        self.greta, self.abe, self.vera, self.ulf = (
            make_user(session, self.organisation, role, full_name=name, email=email, phone=phone)
            for role, name, email, phone in people)
        self.gone = make_user(session, self.organisation, 'billing_admin', full_name='Gus Gone',
                              email='gus@acme.example', phone='+44 20 7946 0105', is_active=False)
        self.organisation.main_contact_id = self.vera.id
        session.add(self.organisation)
        session.commit()
        self.ada = make_user(session, None, 'vendor_admin', full_name='Ada Admin', email='ada@vendor.example')
        self.sam = make_user(session, None, 'sales', full_name='Sam Sales', email='sam@vendor.example')
        self.pool = make_pool(session, self.organisation, total=150, in_use=128, expiry_date=EFFECTIVE)
        make_history(session, self.organisation, actor='Abe Admin', by_vendor=False, old_value='100',
                     new_value='150', note='Bought online by Abe Admin, abe@acme.example')
        make_history(session, self.organisation, actor='Ada Admin', by_vendor=True, old_value='150',
                     new_value='140', note='Agreed on the phone with Greta Global')
        make_history(session, self.organisation, actor='Admin Team', by_vendor=False, old_value='140',
                     new_value='150', note=None)
        handled = make_licence_request(session, self.organisation, requested_by_name='Abe Admin',
                                       message='For Abe Admin\'s new team, call +44 20 7946 0102')
        mark_licence_request_handled(session=session, actor=actor(self.ada), request_id=handled.id)
        set_password(session=session, email='abe@acme.example', password=PASSWORD)

    @property
    def personal(self) -> list[str]:
        """What must be gone after the purge: every name, email and phone of the organisation's people."""
        return ['Greta', 'Abe', 'Vera', 'Ulf', 'Gus', '@acme.example', '+44 20 7946']  # as written: case matters


@pytest.fixture
def acme(session: Session) -> Acme:
    return Acme(session)


@pytest.fixture
def other(session: Session) -> User:
    """Someone of another organisation, whom nothing here may touch."""
    return make_user(session, make_organisation(session, subscription_end=EFFECTIVE), 'billing_admin',
                     full_name='Olga Other', email='olga@other.example')


def requested(session: Session, acme: Acme) -> DeletionRequest:
    return request_deletion(session=session, actor=actor(acme.abe), organisation_id=acme.organisation.id, today=TODAY,
                            vendor=DEFAULT_VENDOR)


def emails(db: Database) -> list[OutboxEmail]:
    with db.session() as session:
        return list(session.exec(select(OutboxEmail).order_by(col(OutboxEmail.id))).all())


def stored(db: Database, request_id: int) -> tuple[DeletionRequest, Organisation]:
    with db.session() as session:
        request = session.get(DeletionRequest, request_id)
        return request, session.get(Organisation, request.organisation_id)


def notices(db: Database) -> list[tuple[str, str]]:
    """(kind, recipients) of every email, in the order queued."""
    return [(email.kind, email.to_address) for email in emails(db)]
