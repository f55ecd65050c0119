"""Who may view and who may act, as SPEC section 1 says, checked by every operation itself.

Each refused action is checked in the database afterwards: no audit entry, no email, no deletion or licence
request, main contact unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from dashboard.db import Database
from dashboard.domain.actor import ADMIN_TEAM, Actor
from dashboard.domain.billing.licence_details import billing_view, change_main_contact
from dashboard.domain.billing.licence_requests import request_licences
from dashboard.domain.deletion.requests import request_deletion, withdraw_deletion
from dashboard.domain.errors import NotFound, PermissionDenied
from dashboard.domain.history.query import HistoryFilter, export_history_csv, list_history
from dashboard.domain.history.totals import licence_totals_series
from dashboard.domain.models import (
    AuditEntry,
    DeletionRequest,
    LicenceRequest,
    Organisation,
    OutboxEmail,
    Role,
    User,
)
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.factories import actor, make_deletion_request, make_history, make_organisation, make_pool, make_user


@dataclass(frozen=True)
class World:
    organisation: Organisation
    other: Organisation
    contact: User
    candidate: User


@pytest.fixture
def world(session: Session) -> World:
    organisation = make_organisation(session, name='Acme Ltd')
    other = make_organisation(session, name='Other Org')
    contact = make_user(session, organisation, role='user', full_name='Carol Contact')
    candidate = make_user(session, organisation, role='user', full_name='Dan Candidate')
    organisation.main_contact_id = contact.id
    session.add(organisation)
    session.commit()
    make_pool(session, organisation)
    make_history(session, organisation, actor='Vera Vendor', by_vendor=True)
    return World(organisation=organisation, other=other, contact=contact, candidate=candidate)


ACTORS: dict[str, Callable[[Session, World], User]] = {
    'global_admin': lambda s, w: make_user(s, w.organisation, 'global_admin'),
    'billing_admin': lambda s, w: make_user(s, w.organisation, 'billing_admin'),
    'viewer': lambda s, w: make_user(s, w.organisation, 'viewer'),
    'user': lambda s, w: make_user(s, w.organisation, 'user'),
    'sales': lambda s, w: make_user(s, None, 'sales'),
    'vendor_admin': lambda s, w: make_user(s, None, 'vendor_admin'),
    'global_admin of another organisation': lambda s, w: make_user(s, w.other, 'global_admin'),
    'billing_admin of another organisation': lambda s, w: make_user(s, w.other, 'billing_admin'),
    'viewer of another organisation': lambda s, w: make_user(s, w.other, 'viewer'),
}
ACTING = ['global_admin', 'billing_admin']
VIEWING = ['global_admin', 'billing_admin', 'viewer', 'sales', 'vendor_admin']
REFUSED_ACTIONS = [role for role in ACTORS if role not in ACTING]
REFUSED_VIEWS = [role for role in ACTORS if role not in VIEWING]


def _no_preparation(session: Session, world: World) -> None:
    pass


def _pending_request(session: Session, world: World) -> None:
    make_deletion_request(session, world.organisation)


@dataclass(frozen=True)
class Action:
    prepare: Callable[[Session, World], None]
    run: Callable[[Session, Actor, World], object]
    audit_action: str


ACTIONS = {
    'change_main_contact': Action(_no_preparation, lambda s, a, w: change_main_contact(
        session=s, actor=a, organisation_id=w.organisation.id, user_id=w.candidate.id), 'main_contact_changed'),
    'request_deletion': Action(_no_preparation, lambda s, a, w: request_deletion(
        session=s, actor=a, organisation_id=w.organisation.id, vendor=DEFAULT_VENDOR), 'deletion_requested'),
    'withdraw_deletion': Action(_pending_request, lambda s, a, w: withdraw_deletion(
        session=s, actor=a, organisation_id=w.organisation.id, vendor=DEFAULT_VENDOR), 'deletion_withdrawn'),
    'request_licences': Action(_no_preparation, lambda s, a, w: request_licences(
        session=s, actor=a, organisation_id=w.organisation.id, kind='managed_agent', quantity=5,
        vendor=DEFAULT_VENDOR), 'licences_requested'),
    'buy': Action(_no_preparation, lambda s, a, w: request_licences(
        session=s, actor=a, organisation_id=w.organisation.id, kind='on_demand', quantity=1, purchase=True,
        vendor=DEFAULT_VENDOR),
        'licences_requested'),
}

VIEWS: dict[str, Callable[[Session, Actor, int], object]] = {
    'billing_view': lambda s, a, org: billing_view(session=s, actor=a, organisation_id=org),
    'list_history': lambda s, a, org: list_history(session=s, actor=a, organisation_id=org,
                                                   history_filter=HistoryFilter()),
    'export_history_csv': lambda s, a, org: export_history_csv(session=s, actor=a, organisation_id=org,
                                                               history_filter=HistoryFilter()),
    'licence_totals_series': lambda s, a, org: licence_totals_series(session=s, actor=a, organisation_id=org),
}


def snapshot(db: Database, organisation_id: int) -> dict[str, object]:
    """Everything a billing action may change, read afresh from the database."""
    with db.session() as session:
        return {
            'main_contact_id': session.get(Organisation, organisation_id).main_contact_id,
            'audit': list(session.exec(select(AuditEntry.action, AuditEntry.actor_name)).all()),
            'outbox': list(session.exec(select(OutboxEmail.to_address, OutboxEmail.subject)).all()),
            'deletion_requests': list(session.exec(select(DeletionRequest.id, DeletionRequest.status)).all()),
            'licence_requests': list(session.exec(select(LicenceRequest.id)).all()),
        }


@pytest.mark.parametrize('role', ACTING)
@pytest.mark.parametrize('action_name', ACTIONS)
def test_billing_roles_may_do_every_action_on_their_own_organisation(
        db: Database, session: Session, world: World, role: str, action_name: str) -> None:
    action = ACTIONS[action_name]
    user = ACTORS[role](session, world)
    action.prepare(session, world)
    before = snapshot(db, world.organisation.id)

    action.run(session, actor(user), world)

    after = snapshot(db, world.organisation.id)
    assert after['audit'] == [*before['audit'], (action.audit_action, user.full_name)]
    assert after != {**before, 'audit': after['audit']}, 'the action changed nothing besides the audit log'


@pytest.mark.parametrize('action_name', ACTIONS)
def test_every_other_role_is_refused_every_action_and_nothing_changes(
        db: Database, session: Session, world: World, action_name: str) -> None:
    action = ACTIONS[action_name]
    action.prepare(session, world)
    before = snapshot(db, world.organisation.id)

    for role in REFUSED_ACTIONS:
        user = ACTORS[role](session, world)
        with pytest.raises(PermissionDenied, match='billing permission'):
            action.run(session, actor(user), world)
        assert snapshot(db, world.organisation.id) == before, f'{role} changed something'


@pytest.mark.parametrize('view', VIEWS)
def test_viewing_roles_may_view(session: Session, world: World, view: str) -> None:
    for role in VIEWING:
        user = ACTORS[role](session, world)
        assert VIEWS[view](session, actor(user), world.organisation.id) is not None, role


@pytest.mark.parametrize('view', VIEWS)
def test_other_roles_may_not_view(session: Session, world: World, view: str) -> None:
    for role in REFUSED_VIEWS:
        user = ACTORS[role](session, world)
        with pytest.raises(PermissionDenied, match='permission to view'):
            VIEWS[view](session, actor(user), world.organisation.id)
            pytest.fail(f'{role} was let in')


@pytest.mark.parametrize('role', ['sales', 'vendor_admin'])
def test_vendor_staff_view_any_organisation(session: Session, world: World, role: str) -> None:
    vendor = actor(ACTORS[role](session, world))

    assert billing_view(session=session, actor=vendor, organisation_id=world.organisation.id).name == 'Acme Ltd'
    assert billing_view(session=session, actor=vendor, organisation_id=world.other.id).name == 'Other Org'
    with pytest.raises(NotFound):
        billing_view(session=session, actor=vendor, organisation_id=world.other.id + 1000)


def test_a_customer_asking_for_an_organisation_that_does_not_exist_is_refused_not_told(
        session: Session, world: World) -> None:
    admin = actor(ACTORS['global_admin'](session, world))

    with pytest.raises(PermissionDenied):
        billing_view(session=session, actor=admin, organisation_id=world.other.id + 1000)
    with pytest.raises(PermissionDenied):
        request_deletion(session=session, actor=admin, organisation_id=world.other.id + 1000, vendor=DEFAULT_VENDOR)


def test_viewer_sees_the_same_billing_view_as_an_admin(session: Session, world: World) -> None:
    admin = actor(ACTORS['billing_admin'](session, world))
    viewer = actor(ACTORS['viewer'](session, world))

    shown_to_viewer = billing_view(session=session, actor=viewer, organisation_id=world.organisation.id)
    shown_to_admin = billing_view(session=session, actor=admin, organisation_id=world.organisation.id)

    assert shown_to_viewer == shown_to_admin


@pytest.mark.parametrize(('role', 'with_organisation', 'expected'), [
    ('global_admin', True, True),
    ('billing_admin', True, True),
    ('viewer', True, False),
    ('user', True, False),
    ('sales', False, False),
    ('vendor_admin', False, False),
    ('billing_admin', False, False),
])
def test_billing_permission_is_global_or_billing_admin_of_an_organisation(
        role: str, with_organisation: bool, expected: bool) -> None:
    subject = Actor(user_id=1, name='X', email='x@example.com', role=Role(role),
                    organisation_id=7 if with_organisation else None)

    assert subject.has_billing_permission is expected


def test_customers_see_vendor_staff_as_the_admin_team_and_vendor_staff_see_the_person() -> None:
    customer = Actor(user_id=1, name='C', email='c@example.com', role=Role.VIEWER, organisation_id=7)
    vendor = Actor(user_id=2, name='V', email='v@example.com', role=Role.SALES, organisation_id=None)

    assert customer.shown_name('Vera Vendor', by_vendor=True) == ADMIN_TEAM == 'Admin Team'
    assert customer.shown_name('Carol Customer', by_vendor=False) == 'Carol Customer'
    assert vendor.shown_name('Vera Vendor', by_vendor=True) == 'Vera Vendor'
