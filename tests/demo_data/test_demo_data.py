"""`python -m dashboard demo`: deterministic, realistic demo data whose licence history agrees with its pools."""

import hashlib
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, func, select

from dashboard import cli
from dashboard.db import Database
from dashboard.demo_data import DEMO_PASSWORD, demo_logins, generate_demo
from dashboard.demo_data.licences import simulate_licences
from dashboard.demo_data.organisations import OrganisationPlanner
from dashboard.demo_data.requests import plan_requests
from dashboard.domain import clock
from dashboard.domain.actor import ADMIN_TEAM, BILLING_ROLES, Actor
from dashboard.domain.auth.accounts import authenticate
from dashboard.domain.auth.two_factor import SecondFactor, second_factor_needed
from dashboard.domain.deletion.requests import effective_date_for
from dashboard.domain.history.query import HistoryFilter, list_history
from dashboard.domain.models import (
    OPEN_DELETION_STATUSES,
    AuditEntry,
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

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ORGANISATIONS = 10
TODAY = date(2026, 3, 1)
COUNT_ACTIONS = (HistoryAction.TRIAL_STARTED, HistoryAction.LICENCES_INCREASED, HistoryAction.LICENCES_DECREASED)


@pytest.fixture
def demo(db: Database) -> Database:
    generate_demo(db=db, organisations=ORGANISATIONS, seed=7)
    return db


def test_the_same_seed_on_the_same_day_gives_the_same_data(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, 'today', lambda: date(2026, 3, 1))
    digests = []
    for seed in (7, 7, 8):
        _empty(db)
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
    assert {organisation.account_type(clock.today()) for organisation in organisations} == {
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

    assert all((user.organisation_id is None) == Role(user.role).is_vendor for user in users)
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

    assert organisation.account_type(clock.today()) == 'Active'
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


def test_the_same_seed_on_the_same_day_gives_the_same_requests(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, 'today', lambda: TODAY)
    made = []
    for seed in (7, 7, 8):
        _empty(db)
        generate_demo(db=db, organisations=150, seed=seed)
        made.append(_requests(db))

    assert made[0] == made[1]
    assert made[2] != made[0]
    assert len(made[0]) > 10


def test_one_or_two_in_a_hundred_ask_for_deletion_and_three_to_five_for_licences() -> None:
    planner = OrganisationPlanner(seed=3, today=TODAY)
    plans = [planner.plan(index) for index in range(3000)]
    requests = [plan_requests(plan, seed=3, today=TODAY) for plan in plans]
    statuses = Counter(deletion.status for request in requests for deletion in request.deletions)

    leaving = [plan for plan, request in zip(plans, requests, strict=True) if _open(request.deletions)]
    assert 0.01 <= len(leaving) / len(plans) <= 0.02
    assert any(plan.subscription_end < TODAY for plan in leaving), 'expired organisations ask too'
    assert statuses[DeletionStatus.PENDING] > 2 * statuses[DeletionStatus.IN_PROGRESS] > 0
    assert 5 <= statuses[DeletionStatus.WITHDRAWN] <= 0.02 * len(plans)
    assert 0.03 <= sum(bool(request.licence_requests) for request in requests) / len(plans) <= 0.05
    for request in requests:
        assert len(_open(request.deletions)) <= 1
        assert not _open(request.deletions[:-1]), 'a withdrawn request comes before the open one'
        for earlier, later in zip(request.deletions, request.deletions[1:], strict=False):
            assert earlier.withdrawn_at is not None and earlier.withdrawn_at < later.requested_at


def test_requests_are_made_by_billing_people_of_the_organisation(
    db: Database, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, 'today', lambda: TODAY)
    generate_demo(db=db, organisations=300, seed=247)
    deletions = session.exec(select(DeletionRequest)).all()
    licence_requests = session.exec(select(LicenceRequest)).all()

    assert 3 <= sum(deletion.status in OPEN_DELETION_STATUSES for deletion in deletions) <= 7
    assert 9 <= len({request.organisation_id for request in licence_requests}) <= 15
    for request in [*deletions, *licence_requests]:
        user = session.get(User, request.requested_by_id)
        assert user.organisation_id == request.organisation_id
        assert user.role in BILLING_ROLES
        assert user.full_name == request.requested_by_name
        assert user.created_at < request.requested_at < datetime.combine(TODAY, datetime.min.time(), UTC)
    for deletion in deletions:
        if deletion.status == DeletionStatus.WITHDRAWN:
            withdrawer = session.exec(
                select(User).where(
                    User.organisation_id == deletion.organisation_id, User.full_name == deletion.withdrawn_by_name
                )
            ).first()
            assert withdrawer is not None and withdrawer.role in BILLING_ROLES
            assert deletion.requested_at < deletion.withdrawn_at < datetime.combine(TODAY, datetime.min.time(), UTC)


def test_deletion_requests_take_effect_at_the_end_of_the_period_or_on_the_day_asked(
    db: Database, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, 'today', lambda: TODAY)
    generate_demo(db=db, organisations=300, seed=247)
    deletions = session.exec(select(DeletionRequest)).all()

    for deletion in deletions:
        organisation = session.get(Organisation, deletion.organisation_id)
        requested_on = deletion.requested_at.date()
        assert deletion.effective_date == effective_date_for(organisation.subscription_end, requested_on)
        if deletion.status in OPEN_DELETION_STATUSES:
            assert 2 <= (TODAY - requested_on).days <= 42, 'asked a few days to weeks ago'
        assert (deletion.started_at is not None) == (deletion.status == DeletionStatus.IN_PROGRESS)
        if deletion.started_at:
            assert deletion.requested_at < deletion.started_at and deletion.effective_date < TODAY
    assert any(deletion.effective_date > TODAY for deletion in deletions)
    assert any(deletion.effective_date == deletion.requested_at.date() for deletion in deletions), 'expired ones'


def test_each_request_has_the_audit_entry_the_product_writes(
    db: Database, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, 'today', lambda: TODAY)
    generate_demo(db=db, organisations=300, seed=247)
    trials = set(session.exec(select(Organisation.id).where(Organisation.plan == Plan.TRIAL)).all())
    licence_requests = session.exec(select(LicenceRequest)).all()
    expected = []
    for deletion in session.exec(select(DeletionRequest)).all():
        requested = deletion.organisation_id, deletion.requested_at, deletion.requested_by_name
        expected.append((*requested, 'deletion_requested', f'effective {deletion.effective_date.isoformat()}'))
        if deletion.withdrawn_at:
            withdrawn = deletion.organisation_id, deletion.withdrawn_at, deletion.withdrawn_by_name
            expected.append((*withdrawn, 'deletion_withdrawn', f'request {deletion.id}'))
    for request in licence_requests:
        what = 'Purchase' if request.organisation_id in trials else 'More licences'
        asked = request.organisation_id, request.requested_at, request.requested_by_name, 'licences_requested'
        expected.append((*asked, f'{what}: {request.quantity} {LicenceKind(request.kind).label}'))
    entries = session.exec(select(AuditEntry)).all()

    made = Counter((e.organisation_id, e.occurred_at, e.actor_name, e.action, e.details) for e in entries)
    assert made == Counter(expected)
    assert all(session.get(User, entry.actor_id).full_name == entry.actor_name for entry in entries)
    assert {request.status for request in licence_requests} == {'open'}
    assert all(request.quantity >= 2 for request in licence_requests)
    messages = [request.message for request in licence_requests if request.message]
    assert len(set(messages)) > 5 and all(len(message) > 30 for message in messages)
    assert any(request.organisation_id in trials for request in licence_requests), 'a trial wants to buy'


def test_the_showcase_organisation_asks_for_no_deletion_and_a_small_demo_shows_one(
    demo: Database, session: Session
) -> None:
    billing_admin = session.exec(select(User).where(User.email_key == 'billing@brightwater.example')).one()
    showcase = billing_admin.organisation_id
    deletions = session.exec(select(DeletionRequest)).all()

    assert not [deletion for deletion in deletions if deletion.organisation_id == showcase]
    assert len(session.exec(select(LicenceRequest).where(LicenceRequest.organisation_id == showcase)).all()) == 1
    pending = [session.get(Organisation, d.organisation_id) for d in deletions if d.status == DeletionStatus.PENDING]
    assert 'Expired' in {organisation.account_type(clock.today()) for organisation in pending}


def test_demo_logins_sign_in_with_the_printed_password(demo: Database, session: Session) -> None:
    logins = demo_logins(db=demo)

    assert {role for role, _, _ in logins} == set(Role)
    assert {password for _, _, password in logins} == {DEMO_PASSWORD}
    assert len(DEMO_PASSWORD) >= 10
    for role, email, password in logins:
        user = authenticate(session=session, email=email, password=password)
        assert user is not None and user.role == role, email
    trial_billing = session.exec(select(User).where(User.email_key == 'trial.billing@nordlicht.example')).one()
    assert session.get(Organisation, trial_billing.organisation_id).account_type(clock.today()) == 'Trial'
    others = session.exec(select(User).where(col(User.email_key).not_in([email for _, email, _ in logins]))).all()
    assert all(user.password_hash is None for user in others)


def test_the_demo_admin_team_sets_up_two_factor_at_first_sign_in(demo: Database, session: Session, capsys) -> None:
    admin = session.exec(select(User).where(User.role == Role.VENDOR_ADMIN)).first()
    assert admin is not None and admin.totp_secret is None
    assert second_factor_needed(session=session, actor=Actor.of(admin)) is SecondFactor.ENROL
    cli._print_logins(demo_logins(db=demo))
    assert 'must use two-factor sign-in' in capsys.readouterr().out


def test_demo_logins_of_a_database_without_the_demo_are_none(db: Database) -> None:
    assert demo_logins(db=db) == []


def test_the_cli_fills_an_empty_database_once(tmp_path: Path) -> None:
    environment = {**os.environ, 'DATABASE_URL': f'sqlite:///{tmp_path / "demo.db"}'}

    def demo() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, '-m', 'dashboard', 'demo', '--orgs', '10', '--seed', '1'],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = demo()
    assert first.returncode == 0, first.stderr
    assert 'Created 10 organisations' in first.stdout
    assert 'admin@brightwater.example' in first.stdout and DEMO_PASSWORD in first.stdout
    second = demo()
    assert second.returncode == 1
    assert 'already has 10 organisations' in second.stderr


@pytest.mark.parametrize('value', ['0', 'abc', '-3'])
def test_the_cli_refuses_a_number_of_organisations_that_is_not_positive(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(['demo', '--orgs', value])

    assert exit_.value.code == 2
    assert f"argument --orgs: '{value}' is not a whole number of at least 1" in capsys.readouterr().err


def _open(deletions: Sequence) -> list:
    return [deletion for deletion in deletions if deletion.status in OPEN_DELETION_STATUSES]


def _requests(db: Database) -> list[str]:
    """Every request and audit entry, without the ids a database hands out."""
    with db.session() as session:
        serials = dict(session.exec(select(Organisation.id, Organisation.serial_number)).all())
        emails = dict(session.exec(select(User.id, User.email_key)).all())
        deletions = session.exec(select(DeletionRequest)).all()
        asked = {deletion.id: deletion.requested_at for deletion in deletions}
        lines = [
            repr(
                (
                    serials[d.organisation_id],
                    emails[d.requested_by_id],
                    d.requested_by_name,
                    d.requested_at,
                    d.effective_date,
                    d.status,
                    d.started_at,
                    d.withdrawn_at,
                    d.withdrawn_by_name,
                )
            )
            for d in deletions
        ]
        lines += [
            repr(
                (
                    serials[r.organisation_id],
                    emails[r.requested_by_id],
                    r.requested_by_name,
                    r.requested_at,
                    r.kind,
                    r.quantity,
                    r.message,
                    r.status,
                )
            )
            for r in session.exec(select(LicenceRequest)).all()
        ]
        for entry in session.exec(select(AuditEntry)).all():
            details = entry.details
            if entry.action == 'deletion_withdrawn':
                details = f'request of {asked[int(details.removeprefix("request "))]}'
            lines.append(
                repr(
                    (
                        serials[entry.organisation_id],
                        emails[entry.actor_id],
                        entry.actor_name,
                        entry.occurred_at,
                        entry.action,
                        details,
                    )
                )
            )
    return sorted(lines)


def _count(session: Session, table: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _empty(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(Organisation).values(main_contact_id=None))
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


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
