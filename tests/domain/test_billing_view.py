"""The Licence details tab as `billing_view` gives it: account, licences, contacts, pending deletion."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from dashboard.domain.billing.licence_details import billing_view
from dashboard.domain.models import LicenceKind, Organisation
from tests.factories import actor, make_deletion_request, make_organisation, make_pool, make_user

TODAY = date(2026, 6, 15)


def view_of(session: Session, organisation: Organisation, today: date = TODAY):
    viewer = make_user(session, organisation, 'viewer', full_name='Zed Viewer')
    return billing_view(session=session, actor=actor(viewer), organisation_id=organisation.id, today=today)


def test_account_information(session: Session) -> None:
    organisation = make_organisation(session, name='Acme Remote Ltd', serial_number='NS-0042-ABCD', plan='paid',
                                     region='uk', subscription_end=date(2027, 3, 5))

    view = view_of(session, organisation)

    assert (view.organisation_id, view.name, view.serial_number) == (organisation.id, 'Acme Remote Ltd', 'NS-0042-ABCD')
    assert view.account_type == 'Active'
    assert view.region_label == 'United Kingdom (UK South)'
    assert view.subscription_end == date(2027, 3, 5)


@pytest.mark.parametrize(('plan', 'subscription_end', 'account_type'), [
    ('paid', TODAY + timedelta(days=1), 'Active'),
    ('paid', TODAY, 'Active'),
    ('paid', TODAY - timedelta(days=1), 'Expired'),
    ('trial', TODAY + timedelta(days=14), 'Trial'),
    ('trial', TODAY, 'Trial'),
    ('trial', TODAY - timedelta(days=1), 'Expired'),
])
def test_account_type_comes_from_plan_and_subscription_end(
        session: Session, plan: str, subscription_end: date, account_type: str) -> None:
    organisation = make_organisation(session, plan=plan, subscription_end=subscription_end)

    assert view_of(session, organisation).account_type == account_type


def test_account_type_is_derived_on_each_view_never_stored(session: Session) -> None:
    organisation = make_organisation(session, plan='paid', subscription_end=TODAY)

    assert view_of(session, organisation, today=TODAY).account_type == 'Active'
    assert view_of(session, organisation, today=TODAY + timedelta(days=1)).account_type == 'Expired'


@pytest.mark.parametrize(('region', 'label'), [
    ('eu', 'EU/EEA (Germany West Central)'),
    ('uk', 'United Kingdom (UK South)'),
    ('us', 'United States (US East)'),
])
def test_region_label(session: Session, region: str, label: str) -> None:
    assert view_of(session, make_organisation(session, region=region)).region_label == label


def test_licence_pools(session: Session) -> None:
    organisation = make_organisation(session)
    make_pool(session, organisation, 'managed_agent', total=250, in_use=193, expiry_date=date(2026, 12, 31))
    make_pool(session, organisation, 'on_demand', total=10, in_use=10, expiry_date=date(2026, 7, 1))

    pools = view_of(session, organisation).pools

    managed, on_demand = pools[LicenceKind.MANAGED_AGENT], pools[LicenceKind.ON_DEMAND]
    assert (managed.total, managed.in_use, managed.available, managed.expiry_date) == (
        250, 193, 57, date(2026, 12, 31))
    assert managed.days_left == 199
    assert (on_demand.total, on_demand.in_use, on_demand.available) == (10, 10, 0)
    assert on_demand.days_left == 16


def test_a_missing_pool_shows_no_licences_and_no_expiry(session: Session) -> None:
    organisation = make_organisation(session)
    make_pool(session, organisation, 'managed_agent', total=5, in_use=1)

    pools = view_of(session, organisation).pools

    on_demand = pools[LicenceKind.ON_DEMAND]
    assert (on_demand.total, on_demand.in_use, on_demand.available) == (0, 0, 0)
    assert on_demand.expiry_date is None and on_demand.days_left is None
    assert not on_demand.expired and not on_demand.expiring_soon
    assert pools[LicenceKind.MANAGED_AGENT].total == 5


def test_an_organisation_without_any_pool_shows_both_kinds_empty(session: Session) -> None:
    pools = view_of(session, make_organisation(session)).pools

    assert set(pools) == {LicenceKind.MANAGED_AGENT, LicenceKind.ON_DEMAND}
    assert all(pool.total == 0 and pool.expiry_date is None for pool in pools.values())


@pytest.mark.parametrize(('days', 'expired', 'expiring_soon'), [
    (-365, True, False),
    (-1, True, False),
    (0, False, True),
    (1, False, True),
    (30, False, True),
    (31, False, False),
    (400, False, False),
])
def test_expiry_flags(session: Session, days: int, expired: bool, expiring_soon: bool) -> None:
    organisation = make_organisation(session)
    make_pool(session, organisation, 'on_demand', expiry_date=TODAY + timedelta(days=days))

    pool = view_of(session, organisation).pools[LicenceKind.ON_DEMAND]

    assert pool.days_left == days
    assert (pool.expired, pool.expiring_soon) == (expired, expiring_soon)


def test_contacts_are_the_organisations_active_users_sorted_by_name(session: Session) -> None:
    organisation = make_organisation(session)
    other = make_organisation(session)
    make_user(session, organisation, 'user', full_name='Mia Miller', email='mia@example.com', phone=None)
    make_user(session, organisation, 'global_admin', full_name='Abe Adams', email='abe@example.com',
              phone='+1 555 0100')
    make_user(session, organisation, 'user', full_name='Gone Away', is_active=False)
    make_user(session, other, 'user', full_name='Bea Stranger')
    make_user(session, None, 'sales', full_name='Ben Vendor')

    contacts = view_of(session, organisation).contacts

    assert [c.name for c in contacts] == ['Abe Adams', 'Mia Miller', 'Zed Viewer']
    assert (contacts[0].email, contacts[0].phone) == ('abe@example.com', '+1 555 0100')
    assert contacts[1].phone is None


def test_main_contact(session: Session) -> None:
    organisation = make_organisation(session)
    make_user(session, organisation, full_name='Abe Adams')
    contact = make_user(session, organisation, full_name='Mia Miller', email='mia@example.com', phone='+44 1')
    organisation.main_contact_id = contact.id
    session.add(organisation)
    session.commit()

    view = view_of(session, organisation)

    assert view.main_contact_id == contact.id
    assert (view.main_contact.name, view.main_contact.email, view.main_contact.phone) == (
        'Mia Miller', 'mia@example.com', '+44 1')


def test_no_main_contact(session: Session) -> None:
    assert view_of(session, make_organisation(session)).main_contact is None


def test_no_deletion_shown_without_an_open_request(session: Session) -> None:
    organisation = make_organisation(session)
    make_deletion_request(session, organisation, status='withdrawn')
    make_deletion_request(session, organisation, status='completed')

    assert view_of(session, organisation).deletion is None


@pytest.mark.parametrize('status', ['pending', 'in_progress'])
def test_an_open_deletion_request_is_shown(session: Session, status: str) -> None:
    organisation = make_organisation(session)
    make_deletion_request(session, organisation, status='withdrawn')
    request = make_deletion_request(session, organisation, status=status, requested_by_name='Abe Adams',
                                    effective_date=date(2026, 9, 30))

    deletion = view_of(session, organisation).deletion

    assert deletion.id == request.id
    assert (deletion.status, deletion.requested_by_name, deletion.effective_date) == (
        status, 'Abe Adams', date(2026, 9, 30))


def test_nothing_of_another_organisation_is_shown(session: Session) -> None:
    organisation = make_organisation(session)
    other = make_organisation(session)
    make_pool(session, other, 'managed_agent', total=999, in_use=1)
    make_deletion_request(session, other)

    view = view_of(session, organisation)

    assert view.pools[LicenceKind.MANAGED_AGENT].total == 0
    assert view.deletion is None
