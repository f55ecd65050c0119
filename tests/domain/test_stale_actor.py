"""A page keeps no powers its user has lost: an account deactivated, moved to another role, or of a cancelled
organisation is refused by every operation that changes something, even with the actor the page was opened with."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.billing.licence_details import change_main_contact
from dashboard.domain.billing.licence_requests import request_licences
from dashboard.domain.deletion.requests import request_deletion
from dashboard.domain.errors import PermissionDenied
from dashboard.domain.models import AuditEntry, LicenceHistory, Organisation, User
from dashboard.domain.organisations.licence_admin import add_pool, change_pool_expiry, change_pool_total, convert_trial
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.factories import actor, make_organisation, make_pool, make_user

LATER = clock.today() + timedelta(days=300)
ADMIN_ACTIONS: dict[str, Callable[[Session, Actor, int], object]] = {
    'change total': lambda s, a, o: change_pool_total(session=s, actor=a, organisation_id=o, kind='managed_agent',
                                                      total=60),
    'change expiry': lambda s, a, o: change_pool_expiry(session=s, actor=a, organisation_id=o, kind='managed_agent',
                                                        expiry=LATER),
    'add pool': lambda s, a, o: add_pool(session=s, actor=a, organisation_id=o, kind='on_demand', total=5,
                                         expiry=LATER),
    'convert trial': lambda s, a, o: convert_trial(session=s, actor=a, organisation_id=o, subscription_end=LATER),
}
CUSTOMER_ACTIONS: dict[str, Callable[[Session, Actor, int], object]] = {
    'change main contact': lambda s, a, o: change_main_contact(session=s, actor=a, organisation_id=o, user_id=None),
    'request deletion': lambda s, a, o: request_deletion(session=s, actor=a, organisation_id=o, vendor=DEFAULT_VENDOR),
    'request licences': lambda s, a, o: request_licences(session=s, actor=a, organisation_id=o,
                                                         kind='managed_agent', quantity=5, vendor=DEFAULT_VENDOR),
}


@pytest.fixture
def org(session: Session) -> Organisation:
    organisation = make_organisation(session, plan='trial')
    make_pool(session, organisation, total=50, in_use=20)
    return organisation


def _nothing_written(session: Session) -> bool:
    return not session.exec(select(LicenceHistory)).all() and not session.exec(select(AuditEntry)).all()


def _change(session: Session, user: User, **changes: object) -> None:
    for name, value in changes.items():
        setattr(user, name, value)
    session.add(user)
    session.commit()


@pytest.mark.parametrize('action', ADMIN_ACTIONS)
@pytest.mark.parametrize('change', [{'is_active': False}, {'role': 'sales'}])
def test_an_admin_who_lost_the_role_or_the_account_cannot_act_from_an_open_page(session, org, action, change):
    admin = make_user(session, None, 'vendor_admin')
    opened_with = actor(admin)
    _change(session, admin, **change)
    with pytest.raises(PermissionDenied, match='sign in again'):
        ADMIN_ACTIONS[action](session, opened_with, org.id)
    session.rollback()
    assert _nothing_written(session)


@pytest.mark.parametrize('action', CUSTOMER_ACTIONS)
@pytest.mark.parametrize('change', [{'is_active': False}, {'role': 'viewer'}])
def test_a_customer_who_lost_billing_permission_cannot_act_from_an_open_page(session, org, action, change):
    admin = make_user(session, org, 'billing_admin')
    opened_with = actor(admin)
    _change(session, admin, **change)
    with pytest.raises(PermissionDenied, match='sign in again'):
        CUSTOMER_ACTIONS[action](session, opened_with, org.id)
    session.rollback()
    assert _nothing_written(session)


def test_nobody_acts_for_a_cancelled_organisation(session, org):
    admin = make_user(session, org, 'global_admin')
    opened_with = actor(admin)
    org.cancelled_at = clock.now()
    session.add(org)
    session.commit()
    with pytest.raises(PermissionDenied, match='sign in again'):
        request_deletion(session=session, actor=opened_with, organisation_id=org.id, vendor=DEFAULT_VENDOR)


def test_an_unchanged_account_still_acts(session, org):
    admin = make_user(session, None, 'vendor_admin')
    assert ADMIN_ACTIONS['change total'](session, actor(admin), org.id)
