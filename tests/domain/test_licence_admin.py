"""The Admin Team's actions: each changes the pool or plan and writes its history in one transaction; a refused
or invalid one changes nothing at all."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from dashboard.domain import clock
from dashboard.domain.errors import InvalidInput, NotFound, PermissionDenied
from dashboard.domain.history.query import HistoryFilter, list_history
from dashboard.domain.models import LicenceHistory, LicencePool, Organisation
from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.organisations.licence_admin import add_pool, change_pool_expiry, change_pool_total, convert_trial
from tests.factories import actor, make_organisation, make_pool, make_user

TODAY = clock.today()


@pytest.fixture
def org(session: Session) -> Organisation:
    organisation = make_organisation(session, name='Acme', plan='trial', subscription_end=TODAY + timedelta(days=10))
    make_pool(session, organisation, 'managed_agent', total=50, in_use=20, expiry_date=TODAY + timedelta(days=10))
    return organisation


@pytest.fixture
def admin(session: Session):
    return actor(make_user(session, None, 'vendor_admin', full_name='Ada Admin'))


def snapshot(db, organisation_id: int) -> tuple:
    """Everything an admin action may touch, to show that a refused one touched nothing."""
    with db.session() as session:
        organisation = session.get(Organisation, organisation_id)
        pools = session.exec(select(LicencePool.kind, LicencePool.total, LicencePool.in_use, LicencePool.expiry_date)
                             .where(LicencePool.organisation_id == organisation_id).order_by(LicencePool.kind)).all()
        history = session.exec(select(LicenceHistory.id).where(LicenceHistory.organisation_id == organisation_id)).all()
        return organisation.plan, organisation.subscription_end, list(pools), len(history)


def history(db, organisation_id: int) -> list[LicenceHistory]:
    with db.session() as session:
        return list(session.exec(select(LicenceHistory).where(LicenceHistory.organisation_id == organisation_id)
                                 .order_by(col(LicenceHistory.id))).all())


def pool(db, organisation_id: int, kind: str = 'managed_agent') -> LicencePool:
    with db.session() as session:
        return session.exec(select(LicencePool).where(LicencePool.organisation_id == organisation_id,
                                                      LicencePool.kind == kind)).one()


def test_raising_a_total_changes_the_pool_and_writes_history_with_the_real_person(db, session, org, admin):
    assert change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', total=75,
                             note='Order PO-1234')
    assert pool(db, org.id).total == 75
    [row] = history(db, org.id)
    assert (row.action, row.kind, row.old_value, row.new_value, row.note, row.actor, row.by_vendor) == (
        'licences_increased', 'managed_agent', '50', '75', 'Order PO-1234', 'Ada Admin', True)


def test_customers_see_the_admin_team_and_vendor_staff_the_person(db, session, org, admin):
    change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', total=40)
    customer = actor(make_user(session, org, 'viewer'))
    sales = actor(make_user(session, None, 'sales'))
    for who, shown in ((customer, 'Admin Team'), (sales, 'Ada Admin')):
        rows, _ = list_history(session=session, actor=who, organisation_id=org.id, history_filter=HistoryFilter())
        assert [(r.action, r.actor) for r in rows] == [('licences_decreased', shown)]


def test_lowering_a_total_to_exactly_what_is_in_use_is_allowed(db, session, org, admin):
    change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', total=20)
    assert pool(db, org.id).total == 20
    assert history(db, org.id)[0].action == 'licences_decreased'


def test_the_same_total_again_writes_nothing(db, session, org, admin):
    assert not change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='managed_agent',
                                 total=50)
    assert history(db, org.id) == []


@pytest.mark.parametrize(('total', 'message'), [
    (19, '20 Managed Agent licences are in use'),
    (-5, 'whole number from 0 to 1,000,000'),
    (1_000_001, 'whole number from 0 to 1,000,000'),
    (12.5, 'whole number'),
    ('lots', 'whole number'),
    (True, 'whole number'),
    (None, 'whole number'),
])
def test_a_bad_total_is_refused_and_changes_nothing(db, session, org, admin, total, message):
    before = snapshot(db, org.id)
    with pytest.raises(InvalidInput, match=message):
        change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', total=total)
    assert snapshot(db, org.id) == before


def test_a_total_typed_as_text_is_read_as_a_number(db, session, org, admin):
    change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', total=' 60 ')
    assert pool(db, org.id).total == 60


def test_a_missing_pool_or_organisation_or_kind_is_named(db, session, org, admin):
    before = snapshot(db, org.id)
    with pytest.raises(NotFound, match='no On-demand licences'):
        change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='on_demand', total=5)
    with pytest.raises(NotFound, match='no organisation 999'):
        change_pool_total(session=session, actor=admin, organisation_id=999, kind='managed_agent', total=5)
    with pytest.raises(InvalidInput, match='licence type'):
        change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='seats', total=5)
    with pytest.raises(InvalidInput, match='note can be at most'):
        change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', total=60,
                          note='x' * 1001)
    assert snapshot(db, org.id) == before


def test_changing_the_expiry_date_writes_old_and_new_dates(db, session, org, admin):
    new = TODAY + timedelta(days=400)
    assert change_pool_expiry(session=session, actor=admin, organisation_id=org.id, kind='managed_agent',
                              expiry=new.isoformat())
    assert pool(db, org.id).expiry_date == new
    [row] = history(db, org.id)
    assert (row.action, row.old_value, row.new_value) == (
        'expiry_changed', (TODAY + timedelta(days=10)).isoformat(), new.isoformat())
    assert not change_pool_expiry(session=session, actor=admin, organisation_id=org.id, kind='managed_agent',
                                  expiry=new)


@pytest.mark.parametrize(('expiry', 'message'), [
    ('31/12/2027', '"31/12/2027" is not a date: give the expiry date as YYYY-MM-DD'),
    ('2027-02-30', 'is not a date'),
    ('', 'Give the expiry date as YYYY-MM-DD'),
    ('1999-12-31', 'must be between 1 Jan 2000 and'),
    ((TODAY + timedelta(days=3660)).isoformat(), 'must be between'),
    (20271231, 'as a date'),
    (None, 'Give the expiry date as YYYY-MM-DD'),
])
def test_a_bad_expiry_date_is_refused_and_changes_nothing(db, session, org, admin, expiry, message):
    before = snapshot(db, org.id)
    with pytest.raises(InvalidInput, match=message):
        change_pool_expiry(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', expiry=expiry)
    assert snapshot(db, org.id) == before


def test_adding_the_missing_pool_records_its_total_and_expiry(db, session, org, admin):
    expiry = TODAY + timedelta(days=365)
    add_pool(session=session, actor=admin, organisation_id=org.id, kind='on_demand', total=5, expiry=expiry,
             note='Helpdesk seats')
    added = pool(db, org.id, 'on_demand')
    assert (added.total, added.in_use, added.expiry_date) == (5, 0, expiry)
    assert [(r.action, r.kind, r.old_value, r.new_value) for r in history(db, org.id)] == [
        ('licences_increased', 'on_demand', '0', '5'), ('expiry_changed', 'on_demand', None, expiry.isoformat())]


def test_a_pool_that_exists_cannot_be_added_again(db, session, org, admin):
    before = snapshot(db, org.id)
    with pytest.raises(InvalidInput, match='already has Managed Agent licences'):
        add_pool(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', total=5,
                 expiry=TODAY + timedelta(days=30))
    with pytest.raises(InvalidInput, match='from 1 to'):
        add_pool(session=session, actor=admin, organisation_id=org.id, kind='on_demand', total=0,
                 expiry=TODAY + timedelta(days=30))
    assert snapshot(db, org.id) == before


def test_converting_a_trial_makes_it_paid_and_moves_earlier_expiries_to_the_new_end(db, session, org, admin):
    make_pool(session, org, 'on_demand', total=5, in_use=0, expiry_date=TODAY + timedelta(days=800))
    end = TODAY + timedelta(days=365)
    convert_trial(session=session, actor=admin, organisation_id=org.id, subscription_end=end.isoformat())
    with db.session() as check:
        organisation = check.get(Organisation, org.id)
        assert (organisation.plan, organisation.subscription_end) == ('paid', end)
        assert AccountType.of(organisation, TODAY) == 'Active'
    assert pool(db, org.id).expiry_date == end
    assert pool(db, org.id, 'on_demand').expiry_date == TODAY + timedelta(days=800)  # later already: left alone
    assert [(r.action, r.kind, r.new_value) for r in history(db, org.id)] == [
        ('trial_converted', None, end.isoformat()), ('expiry_changed', 'managed_agent', end.isoformat())]


def test_converting_without_moving_the_pools(db, session, org, admin):
    convert_trial(session=session, actor=admin, organisation_id=org.id, subscription_end=TODAY + timedelta(days=30),
                  extend_pools=False)
    assert pool(db, org.id).expiry_date == TODAY + timedelta(days=10)
    assert [r.action for r in history(db, org.id)] == ['trial_converted']


@pytest.mark.parametrize('end', [TODAY, TODAY - timedelta(days=1), 'next year'])
def test_a_conversion_needs_an_end_after_today(db, session, org, admin, end):
    before = snapshot(db, org.id)
    with pytest.raises(InvalidInput):
        convert_trial(session=session, actor=admin, organisation_id=org.id, subscription_end=end)
    assert snapshot(db, org.id) == before


def test_a_paid_account_cannot_be_converted(db, session, admin):
    paid = make_organisation(session, name='Paid Co', plan='paid')
    before = snapshot(db, paid.id)
    with pytest.raises(InvalidInput, match='Paid Co is already a paid account'):
        convert_trial(session=session, actor=admin, organisation_id=paid.id, subscription_end=date(2030, 1, 1))
    assert snapshot(db, paid.id) == before


@pytest.mark.parametrize('role', ['sales', 'global_admin', 'billing_admin', 'viewer', 'user'])
def test_only_the_admin_team_may_change_licences(db, session, org, role):
    who = actor(make_user(session, org if role != 'sales' else None, role))
    before = snapshot(db, org.id)
    end = TODAY + timedelta(days=100)
    for attempt in (
        lambda: change_pool_total(session=session, actor=who, organisation_id=org.id, kind='managed_agent', total=99),
        lambda: change_pool_expiry(session=session, actor=who, organisation_id=org.id, kind='managed_agent',
                                   expiry=end),
        lambda: add_pool(session=session, actor=who, organisation_id=org.id, kind='on_demand', total=5, expiry=end),
        lambda: convert_trial(session=session, actor=who, organisation_id=org.id, subscription_end=end),
    ):
        with pytest.raises(PermissionDenied, match='Only the Admin Team'):
            attempt()
    assert snapshot(db, org.id) == before


def test_a_change_decided_on_figures_that_another_admin_has_just_changed_is_refused(db, session, org, admin,
                                                                                      monkeypatch):
    """SQLite takes no lock on a read: between this admin's read and write another admin's change commits. The
    write must notice, and neither overwrite that change nor record history from the stale figures."""
    if not db.is_sqlite:
        pytest.skip('PostgreSQL locks the row on read: the other admin would wait for this transaction instead')
    from dashboard.domain.organisations import licence_admin

    read_pool = licence_admin._pool

    def read_then_another_admin_commits(*arguments):
        pool = read_pool(*arguments)
        monkeypatch.setattr(licence_admin, '_pool', read_pool)  # the other admin's change goes through unhindered
        with db.session() as other:
            change_pool_total(session=other, actor=admin, organisation_id=org.id, kind='managed_agent', total=500)
        return pool

    monkeypatch.setattr(licence_admin, '_pool', read_then_another_admin_commits)
    with pytest.raises(InvalidInput, match='Someone else changed this a moment ago'):
        change_pool_total(session=session, actor=admin, organisation_id=org.id, kind='managed_agent', total=400)
    assert pool(db, org.id).total == 500
    assert [(r.old_value, r.new_value) for r in history(db, org.id)] == [('50', '500')]
