"""The vendor's details are told to the domain, not read from the environment: every email that names the product or
goes to the vendor uses the `Vendor` it was handed."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from dashboard.config import Settings
from dashboard.db import Database
from dashboard.domain.auth.invitations import invite_user
from dashboard.domain.auth.links import request_password_reset
from dashboard.domain.billing.licence_requests import request_licences
from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.deletion.requests import bring_deletion_forward, request_deletion, withdraw_deletion
from dashboard.domain.models import Organisation, OutboxEmail, User
from dashboard.domain.renewals.reminders import queue_renewal_reminders, queue_sales_digest
from dashboard.domain.vendor import DEFAULT_VENDOR, Vendor
from tests.factories import actor, make_organisation, make_pool, make_user

VENDOR = Vendor(product_name='RemoteDesk', sales_email='deals@remotedesk.example',
                support_email='help@remotedesk.example')
NOW = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)  # a Monday
TODAY = NOW.date()


@pytest.fixture
def organisation(session: Session) -> Organisation:
    return make_organisation(session, name='Acme Remote Ltd', serial_number='NS-7781-QX',
                             subscription_end=TODAY + timedelta(days=60))


@pytest.fixture
def admin(session: Session, organisation: Organisation) -> User:
    user = make_user(session, organisation, 'global_admin', full_name='Abe Admin', email='abe@acme.example')
    organisation.main_contact_id = user.id
    session.add(organisation)
    session.commit()
    return user


def emails(db: Database) -> list[OutboxEmail]:
    with db.session() as session:
        return list(session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all())


def test_the_settings_defaults_are_the_default_vendor() -> None:
    assert Settings(_env_file=None).vendor() == DEFAULT_VENDOR  # type: ignore[call-arg]


def test_the_settings_hand_on_what_they_were_given() -> None:
    settings = Settings(_env_file=None, product_name='RemoteDesk',  # type: ignore[call-arg]
                        vendor_sales_email='deals@remotedesk.example', vendor_support_email='help@remotedesk.example')
    assert settings.vendor() == VENDOR


def test_a_licence_request_goes_to_the_sales_address_given(db, session: Session, organisation: Organisation,
                                                           admin: User) -> None:
    request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='on_demand',
                     quantity=5, vendor=VENDOR)

    [email] = emails(db)
    assert email.to_address == 'deals@remotedesk.example'


def test_every_deletion_email_names_the_support_address_and_product_given(db, session: Session,
                                                                          organisation: Organisation,
                                                                          admin: User) -> None:
    vendor_admin = actor(make_user(session, None, 'vendor_admin'))
    customer = actor(admin)
    request_deletion(session=session, actor=customer, organisation_id=organisation.id, today=TODAY, vendor=VENDOR)
    bring_deletion_forward(session=session, actor=vendor_admin, organisation_id=organisation.id,
                           effective_date=TODAY + timedelta(days=1), today=TODAY, vendor=VENDOR)
    withdraw_deletion(session=session, actor=customer, organisation_id=organisation.id, vendor=VENDOR)
    request_deletion(session=session, actor=customer, organisation_id=organisation.id, today=TODAY, vendor=VENDOR)
    advance_deletions(session=session, now=datetime.combine(organisation.subscription_end + timedelta(days=1),
                                                            NOW.timetz()), vendor=VENDOR)

    sent = emails(db)
    assert {email.kind for email in sent} >= {'deletion_requested_support', 'deletion_requested',
                                              'deletion_rescheduled', 'deletion_withdrawn_support',
                                              'deletion_withdrawn', 'deletion_starting', 'deletion_completed'}
    to_support = [email for email in sent if email.kind.endswith('_support')]
    assert [email.to_address for email in to_support] == ['help@remotedesk.example'] * 3
    for email in sent:
        if email not in to_support:  # the contacts are told where to ask
            assert 'help@remotedesk.example' in email.body_text, email.kind
        assert 'netsupportsoftware' not in email.body_text and '247connect' not in email.body_text, email.kind


def test_reminders_and_the_digest_use_the_sales_address_given(db, session: Session, organisation: Organisation,
                                                              admin: User) -> None:
    make_pool(session, organisation, 'managed_agent', total=10, in_use=4, expiry_date=TODAY + timedelta(days=30))

    assert queue_renewal_reminders(session=session, now=NOW, vendor=VENDOR) == 1
    assert queue_sales_digest(session=session, now=NOW, vendor=VENDOR) == 1

    reminder, digest = emails(db)
    assert reminder.to_address == 'abe@acme.example'
    assert 'deals@remotedesk.example' in reminder.body_text and 'RemoteDesk' in reminder.body_text
    assert digest.to_address == 'deals@remotedesk.example'


def test_password_links_name_the_product_given(db, session: Session, organisation: Organisation, admin: User) -> None:
    invited = make_user(session, organisation, 'viewer', email='new@acme.example', password_hash=None)
    request_password_reset(session=session, email='abe@acme.example', public_url='https://portal.example',
                           vendor=VENDOR)
    invite_user(session=session, actor=actor(make_user(session, None, 'vendor_admin')), user_id=invited.id,
                public_url='https://portal.example', vendor=VENDOR)

    reset, invitation = emails(db)
    assert reset.subject == 'Reset your RemoteDesk password'
    assert 'RemoteDesk' in invitation.subject and '247connect' not in invitation.body_text


def test_an_operation_not_told_the_vendor_is_refused(db, session: Session, organisation: Organisation,
                                                     admin: User) -> None:
    """A forgotten vendor is an error, not an email with the stock product's addresses."""
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'vendor'"):
        request_licences(session=session, actor=actor(admin), organisation_id=organisation.id,  # type: ignore[call-arg]
                         kind='on_demand', quantity=5)

    assert emails(db) == []
