"""`python -m dashboard demo`: deterministic, realistic demo data whose licence history agrees with its pools."""

import hashlib
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, SQLModel, func, select

from dashboard.db import Database
from dashboard.demo_data import generate_demo
from dashboard.demo_data.licences import simulate_licences
from dashboard.demo_data.organisations import OrganisationPlanner
from dashboard.domain import clock
from dashboard.domain.actor import ADMIN_TEAM, Actor
from dashboard.domain.history.query import HistoryFilter, list_history
from dashboard.domain.models import (
    DeletionRequest,
    DeletionStatus,
    HistoryAction,
    LicenceHistory,
    LicenceKind,
    LicencePool,
    LicenceRequest,
    Organisation,
    Plan,
    Region,
    Role,
    User,
)
from dashboard.domain.organisations.account_types import AccountType
from tests.conftest import empty_database
from tests.demo_data.conftest import ORGANISATIONS

COUNT_ACTIONS = (HistoryAction.TRIAL_STARTED, HistoryAction.LICENCES_INCREASED, HistoryAction.LICENCES_DECREASED)


def test_the_same_seed_on_the_same_day_gives_the_same_data(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, 'today', lambda: date(2026, 3, 1))
    digests = []
    for seed in (7, 7, 8):
        empty_database(db)
        generate_demo(db=db, organisations=4, seed=seed)
        digests.append(_digest(db))

    assert digests[0] == digests[1]
    assert digests[2] != digests[0]


def test_the_summary_counts_what_was_made(db: Database) -> None:
    summary = generate_demo(db=db, organisations=ORGANISATIONS, seed=7)

    with db.session() as session:
        counts = [_count(session, table) for table in (Organisation, User, LicencePool, LicenceHistory)]
        statuses = Counter(session.exec(select(DeletionRequest.status)).all())
        licence_requests = _count(session, LicenceRequest)
    assert [summary.organisations, summary.users, summary.licence_pools, summary.history_rows] == counts
    assert summary.open_deletion_requests == statuses[DeletionStatus.PENDING] + statuses[DeletionStatus.IN_PROGRESS]
    assert summary.withdrawn_deletion_requests == statuses[DeletionStatus.WITHDRAWN]
    assert summary.licence_requests == licence_requests
    assert summary.describe() == (
        f'Created 10 organisations, {counts[1]:,} users, {counts[2]:,} licence pools and '
        f'{counts[3]:,} history rows; 1 open deletion request and 1 open licence request (seed 7).'
    )


def test_every_region_account_type_role_and_action_is_there(demo: Database, session: Session) -> None:
    organisations = session.exec(select(Organisation)).all()
    pools = session.exec(select(LicencePool)).all()

    assert {organisation.region for organisation in organisations} == set(Region)
    assert {AccountType.of(organisation, clock.today()) for organisation in organisations} == {
        'Trial',
        'Active',
        'Expired',
    }
    assert {user.role for user in session.exec(select(User)).all()} == set(Role)
    assert set(session.exec(select(LicenceHistory.action).distinct()).all()) == set(HistoryAction)
    with_on_demand = {pool.organisation_id for pool in pools if pool.kind == LicenceKind.ON_DEMAND}
    assert len(with_on_demand) < len(organisations), 'some organisation has no On-demand licences'


def test_customers_belong_to_an_organisation_and_emails_are_keyed_in_lower_case(
    demo: Database, session: Session
) -> None:
    users = session.exec(select(User)).all()

    assert all((user.organisation_id is None) == user.role.is_vendor for user in users)
    assert all(user.email_key == user.email.lower() for user in users)
    assert any(user.email != user.email_key for user in users), 'some addresses are written with capitals'
    assert sum(user.phone is not None for user in users) > len(users) / 2


def test_main_contacts_are_users_of_their_own_organisation(demo: Database, session: Session) -> None:
    organisations = session.exec(select(Organisation)).all()

    contacts = [
        (organisation, session.get(User, organisation.main_contact_id))
        for organisation in organisations
        if organisation.main_contact_id
    ]
    assert len(contacts) >= len(organisations) * 0.7
    assert all(contact.organisation_id == organisation.id for organisation, contact in contacts)


def test_history_chains_end_at_each_pools_total_and_expiry_date(demo: Database, session: Session) -> None:
    history = defaultdict(list)
    for row in session.exec(select(LicenceHistory).order_by(LicenceHistory.occurred_at, LicenceHistory.id)).all():
        history[row.organisation_id, row.kind].append(row)

    for pool in session.exec(select(LicencePool)).all():
        rows = history.pop((pool.organisation_id, pool.kind), [])
        counts = [row for row in rows if row.action in COUNT_ACTIONS]
        expiries = [row for row in rows if row.action == HistoryAction.EXPIRY_CHANGED]
        assert counts, f'pool {pool.id} has no count history'
        assert counts[-1].new_value == str(pool.total)
        for before, after in zip(counts, counts[1:], strict=False):
            assert after.old_value == before.new_value
        for row in counts:
            if row.action != HistoryAction.TRIAL_STARTED:
                assert (int(row.new_value) > int(row.old_value)) == (row.action == HistoryAction.LICENCES_INCREASED)
        if expiries:
            assert expiries[-1].new_value == pool.expiry_date.isoformat()
            assert all(date.fromisoformat(row.old_value) < date.fromisoformat(row.new_value) for row in expiries)
        for before, after in zip(expiries, expiries[1:], strict=False):
            assert after.old_value == before.new_value
        assert 0 <= pool.in_use <= pool.total
    assert not [key for key in history if key[1] is not None], 'history of a licence type the organisation lacks'


def test_trials_started_and_conversions_match_the_plan(demo: Database, session: Session) -> None:
    for organisation in session.exec(select(Organisation)).all():
        actions = set(
            session.exec(select(LicenceHistory.action).where(LicenceHistory.organisation_id == organisation.id)).all()
        )
        if organisation.plan == Plan.TRIAL:
            assert HistoryAction.TRIAL_STARTED in actions
            assert HistoryAction.TRIAL_CONVERTED not in actions
        elif HistoryAction.TRIAL_CONVERTED in actions:
            assert HistoryAction.TRIAL_STARTED in actions


def test_vendor_rows_name_vendor_staff_whom_customers_see_as_admin_team(demo: Database, session: Session) -> None:
    vendor_admins = set(session.exec(select(User.full_name).where(User.role == Role.VENDOR_ADMIN)).all())
    rows = session.exec(select(LicenceHistory)).all()

    assert {row.actor for row in rows if row.by_vendor} <= vendor_admins
    assert any(not row.by_vendor for row in rows)
    assert any(row.note for row in rows) and any(not row.note for row in rows)
    billing_admin = session.exec(select(User).where(User.email_key == 'billing@brightwater.example')).one()
    page, _ = list_history(
        session=session,
        actor=Actor.of(billing_admin),
        organisation_id=billing_admin.organisation_id,
        history_filter=HistoryFilter(page_size=100),
    )
    assert ADMIN_TEAM in {row.actor for row in page}
    assert not vendor_admins & {row.actor for row in page}


def test_timestamps_are_utc_within_two_years_and_dates_within_one(demo: Database, session: Session) -> None:
    today = clock.today()
    times = session.exec(select(LicenceHistory.occurred_at)).all()
    first, last = min(times), max(times)
    assert first.utcoffset() == timedelta(0)
    assert datetime.combine(today - timedelta(days=731), datetime.min.time(), UTC) <= first
    assert last < datetime.combine(today, datetime.min.time(), UTC)
    ends = (
        session.exec(select(Organisation.subscription_end)).all() + session.exec(select(LicencePool.expiry_date)).all()
    )
    assert all(abs((end - today).days) <= 365 for end in ends)
    assert min(ends) < today < max(ends)


def test_the_showcase_organisation_shows_everything(demo: Database, session: Session) -> None:
    user = session.exec(select(User).where(User.email_key == 'admin@brightwater.example')).one()
    organisation = session.get(Organisation, user.organisation_id)
    history = session.exec(select(LicenceHistory).where(LicenceHistory.organisation_id == organisation.id)).all()

    assert AccountType.of(organisation, clock.today()) == 'Active'
    assert len(session.exec(select(LicencePool).where(LicencePool.organisation_id == organisation.id)).all()) == 2
    contact = session.get(User, organisation.main_contact_id)
    assert contact.email == 'billing@brightwater.example' and contact.phone
    assert {row.action for row in history} == set(HistoryAction)
    assert len(history) >= 300, 'enough rows to page through'


def test_history_sizes_vary_around_a_hundred_rows_per_organisation() -> None:
    today = date(2026, 3, 1)
    planner = OrganisationPlanner(seed=3, today=today)
    plans = [planner.plan(index) for index in range(2, 302)]
    sizes = [
        len(simulate_licences(plan, organisation_id=1, seed=3, today=today, vendor_admins=['A'])[1]) for plan in plans
    ]

    assert 80 <= sum(sizes) / len(sizes) <= 125
    assert sum(20 <= size <= 200 for size in sizes) >= 0.7 * len(sizes)
    assert len(set(sizes)) > 50


def test_company_and_person_names_are_varied_and_some_are_not_latin() -> None:
    planner = OrganisationPlanner(seed=3, today=date(2026, 3, 1))
    plans = [planner.plan(index) for index in range(300)]
    names = [plan.name for plan in plans]
    people = [user.full_name for plan in plans for user in plan.users]

    assert len(set(names)) > 0.9 * len(names)
    assert any(char in 'äöüÄÖÜß' for name in names for char in name)
    assert any('\u3040' <= char <= '\u9fff' for name in names for char in name), 'some Japanese names'
    assert len(set(people)) > 300
    emails = [user.email.lower() for plan in plans for user in plan.users]
    assert len(set(emails)) == len(emails)
    assert all(email.isascii() for email in emails)
    assert Counter(plan.plan for plan in plans)[Plan.TRIAL] > 20


def _count(session: Session, table: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _digest(db: Database) -> str:
    """Every row's content, without the ids a database hands out or the salted password hashes."""
    with db.session() as session:
        serials = dict(session.exec(select(Organisation.id, Organisation.serial_number)).all())
        emails = dict(session.exec(select(User.id, User.email_key)).all())
        lines = [
            repr(
                (
                    o.serial_number,
                    o.name,
                    o.plan,
                    o.region,
                    o.subscription_end,
                    emails.get(o.main_contact_id),
                    o.created_at,
                )
            )
            for o in session.exec(select(Organisation)).all()
        ]
        lines += [
            repr((serials.get(u.organisation_id), u.full_name, u.email, u.phone, u.role, u.is_active, u.created_at))
            for u in session.exec(select(User)).all()
        ]
        lines += [
            repr((serials[p.organisation_id], p.kind, p.total, p.in_use, p.expiry_date))
            for p in session.exec(select(LicencePool)).all()
        ]
        lines += [
            repr(
                (
                    serials[h.organisation_id],
                    h.occurred_at,
                    h.actor,
                    h.by_vendor,
                    h.action,
                    h.kind,
                    h.old_value,
                    h.new_value,
                    h.note,
                    h.row_hash,
                )
            )
            for h in session.exec(select(LicenceHistory)).all()
        ]
    return hashlib.sha256('\n'.join(sorted(lines)).encode()).hexdigest()
