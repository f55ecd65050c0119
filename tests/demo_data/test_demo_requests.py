"""The demo's requests: deletions and "Need more licences?", as the product would have recorded them."""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from dashboard.db import Database
from dashboard.demo_data import generate_demo
from dashboard.demo_data.organisations import OrganisationPlanner
from dashboard.demo_data.requests import plan_requests
from dashboard.domain import clock
from dashboard.domain.actor import BILLING_ROLES
from dashboard.domain.deletion.requests import effective_date_for
from dashboard.domain.models import (
    OPEN_DELETION_STATUSES,
    AuditEntry,
    DeletionRequest,
    DeletionStatus,
    LicenceRequest,
    Organisation,
    Plan,
    User,
)
from dashboard.domain.organisations.account_types import AccountType
from tests.conftest import empty_database

TODAY = date(2026, 3, 1)


def test_the_same_seed_on_the_same_day_gives_the_same_requests(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, 'today', lambda: TODAY)
    made = []
    for seed in (7, 7, 8):
        empty_database(db)
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
        expected.append((*asked, f'{what}: {request.quantity} {request.kind.label}'))
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
    assert 'Expired' in {AccountType.of(organisation, clock.today()) for organisation in pending}


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
