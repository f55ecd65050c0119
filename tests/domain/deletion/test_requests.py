"""Requesting and withdrawing the deletion of an account: one open request at most, however it is asked for."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from dashboard.config import Settings, get_settings
from dashboard.db import Database
from dashboard.domain.deletion.requests import request_deletion, withdraw_deletion
from dashboard.domain.errors import InvalidInput, NotFound
from dashboard.domain.models import AuditEntry, DeletionRequest, Organisation, OutboxEmail, User
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.factories import actor, make_deletion_request, make_organisation, make_user

TODAY = date(2026, 6, 15)


@pytest.fixture
def organisation(session: Session) -> Organisation:
    return make_organisation(session, name='Acme Remote Ltd', serial_number='NS-7781-QX',
                             subscription_end=date(2027, 3, 5))


@pytest.fixture
def admin(session: Session, organisation: Organisation) -> User:
    return make_user(session, organisation, 'billing_admin', full_name='Abe Admin', email='abe@acme.example')


def rows(db: Database) -> tuple[list[DeletionRequest], list[OutboxEmail], list[AuditEntry]]:
    with db.session() as session:
        return (list(session.exec(select(DeletionRequest).order_by(DeletionRequest.id)).all()),
                list(session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()),
                list(session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()))


def test_the_vendor_support_address_defaults_to_the_seeds() -> None:
    assert Settings.model_fields['vendor_support_email'].default == 'support@netsupportsoftware.com'


def test_a_request_is_stored_emailed_and_audited(db, session: Session, organisation: Organisation,
                                                 admin: User) -> None:
    request = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=TODAY,
                               vendor=DEFAULT_VENDOR)

    requests, emails, audit = rows(db)
    assert [(r.id, r.organisation_id, r.status, r.effective_date, r.requested_by_name, r.requested_by_id)
            for r in requests] == [(request.id, organisation.id, 'pending', date(2027, 3, 5), 'Abe Admin', admin.id)]
    email, notice = emails
    assert email.to_address == get_settings().vendor_support_email
    assert (notice.to_address, notice.kind) == ('abe@acme.example', 'deletion_requested')
    assert email.organisation_id == organisation.id
    assert email.status == 'pending'
    assert 'Acme Remote Ltd' in email.subject and 'NS-7781-QX' in email.subject
    assert 'Acme Remote Ltd' in email.body_text and 'NS-7781-QX' in email.body_text
    assert 'Abe Admin <abe@acme.example>' in email.body_text
    assert '5 Mar 2027' in email.body_text
    assert [(a.action, a.actor_name, a.organisation_id) for a in audit] == [
        ('deletion_requested', 'Abe Admin', organisation.id)]


def test_request_emails_and_audit_are_one_commit(db, session: Session, organisation: Organisation,
                                                 admin: User) -> None:
    seen_at_commit: list[tuple[int, int, int]] = []

    def count_in_transaction(s: Session) -> None:
        s.flush()
        seen_at_commit.append(tuple(len(s.exec(select(table)).all())
                                    for table in (DeletionRequest, OutboxEmail, AuditEntry)))
    event.listen(session, 'before_commit', count_in_transaction)

    request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=TODAY,
                     vendor=DEFAULT_VENDOR)

    assert seen_at_commit == [(1, 2, 1)], 'one commit holds the request, both emails and the audit entry'


@pytest.mark.parametrize(('subscription_end', 'effective_date'), [
    (TODAY + timedelta(days=90), TODAY + timedelta(days=90)),
    (TODAY, TODAY),
    (TODAY - timedelta(days=1), TODAY),
    (TODAY - timedelta(days=400), TODAY),
])
def test_effective_date_is_the_end_of_the_period_or_today_once_expired(
        session: Session, subscription_end: date, effective_date: date) -> None:
    organisation = make_organisation(session, subscription_end=subscription_end)
    admin = make_user(session, organisation, 'global_admin')

    request = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=TODAY,
                               vendor=DEFAULT_VENDOR)

    assert request.effective_date == effective_date


def test_asking_twice_gives_the_same_request_and_one_email(db, session: Session, organisation: Organisation,
                                                           admin: User) -> None:
    other_admin = make_user(session, organisation, 'global_admin')
    first = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id,
                             vendor=DEFAULT_VENDOR)

    second = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id,
                              vendor=DEFAULT_VENDOR)
    third = request_deletion(session=session, actor=actor(other_admin), organisation_id=organisation.id,
                             vendor=DEFAULT_VENDOR)

    assert first.id == second.id == third.id
    requests, emails, audit = rows(db)
    assert (len(requests), len(emails), len(audit)) == (1, 2, 1)


def test_an_in_progress_request_is_returned_not_duplicated(db, session: Session, organisation: Organisation,
                                                           admin: User) -> None:
    existing = make_deletion_request(session, organisation, status='in_progress')

    assert request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id,
                            vendor=DEFAULT_VENDOR).id == existing.id
    requests, emails, _ = rows(db)
    assert len(requests) == 1 and emails == []


def test_a_request_committed_by_another_session_in_between_wins(db, session: Session, organisation: Organisation,
                                                                admin: User) -> None:
    """Both passed the "no open request" check; the database's partial unique index keeps one."""
    rival: list[DeletionRequest] = []

    def commit_a_rival_request(*_) -> None:
        with db.session() as other:
            rival.append(make_deletion_request(other, organisation, requested_by_name='Other Tab'))

    event.listen(session, 'before_flush', commit_a_rival_request, once=True)

    request = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id,
                               vendor=DEFAULT_VENDOR)

    assert request.id == rival[0].id
    assert request.requested_by_name == 'Other Tab'
    requests, emails, audit = rows(db)
    assert [(r.id, r.status) for r in requests] == [(rival[0].id, 'pending')]
    assert emails == [] and audit == [], 'the losing call left its email or audit entry behind'


def test_two_simultaneous_requests_make_one_request_and_one_email(db, organisation: Organisation,
                                                                  admin: User) -> None:
    barrier = threading.Barrier(2, timeout=10)
    results: list[int] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            with db.session() as session:
                # Both sessions have checked for an open request and found none before either writes.
                event.listen(session, 'before_flush', lambda *_: barrier.wait(), once=True)
                results.append(request_deletion(session=session, actor=actor(admin),
                                                organisation_id=organisation.id, vendor=DEFAULT_VENDOR).id)
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    requests, emails, audit = rows(db)
    assert len(requests) == 1
    assert results == [requests[0].id, requests[0].id]
    assert len(emails) == 2 and len(audit) == 1


def test_the_database_refuses_a_second_open_request(session: Session, organisation: Organisation) -> None:
    make_deletion_request(session, organisation, status='pending')
    make_deletion_request(session, organisation, status='withdrawn')
    make_deletion_request(session, organisation, status='completed')

    with pytest.raises(Exception, match='(?i)unique'):
        make_deletion_request(session, organisation, status='in_progress')


def test_withdraw(db, session: Session, organisation: Organisation, admin: User) -> None:
    request = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id,
                               vendor=DEFAULT_VENDOR)

    withdrawn = withdraw_deletion(session=session, actor=actor(admin), organisation_id=organisation.id,
                                  vendor=DEFAULT_VENDOR)

    assert withdrawn.id == request.id
    requests, emails, audit = rows(db)
    [stored] = requests
    assert (stored.status, stored.withdrawn_by_name) == ('withdrawn', 'Abe Admin')
    assert stored.withdrawn_at is not None
    assert len(emails) == 4
    assert emails[2].to_address == get_settings().vendor_support_email
    assert 'withdrawn' in emails[2].subject
    assert 'Acme Remote Ltd' in emails[2].body_text and 'NS-7781-QX' in emails[2].body_text
    assert (emails[3].to_address, emails[3].kind) == ('abe@acme.example', 'deletion_withdrawn')
    assert [a.action for a in audit] == ['deletion_requested', 'deletion_withdrawn']


def test_after_withdrawing_a_new_request_can_be_made(db, session: Session, organisation: Organisation,
                                                     admin: User) -> None:
    first = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id,
                             vendor=DEFAULT_VENDOR)
    withdraw_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, vendor=DEFAULT_VENDOR)

    second = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id,
                              vendor=DEFAULT_VENDOR)

    assert second.id != first.id
    requests, emails, _ = rows(db)
    assert [(r.id, r.status) for r in requests] == [(first.id, 'withdrawn'), (second.id, 'pending')]
    assert len(emails) == 6


@pytest.mark.parametrize('earlier', [[], ['withdrawn'], ['completed']])
def test_withdrawing_with_nothing_pending_is_not_found(db, session: Session, organisation: Organisation,
                                                       admin: User, earlier: list[str]) -> None:
    for status in earlier:
        make_deletion_request(session, organisation, status=status)
    before = rows(db)

    with pytest.raises(NotFound, match='no pending deletion request'):
        withdraw_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, vendor=DEFAULT_VENDOR)

    assert [[r.model_dump() for r in table] for table in rows(db)] == [[r.model_dump() for r in table]
                                                                      for table in before]


def test_withdrawing_once_in_progress_is_refused(db, session: Session, organisation: Organisation,
                                                 admin: User) -> None:
    make_deletion_request(session, organisation, status='in_progress')

    with pytest.raises(InvalidInput, match='contact support'):
        withdraw_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, vendor=DEFAULT_VENDOR)

    requests, emails, audit = rows(db)
    assert [(r.status, r.withdrawn_at) for r in requests] == [('in_progress', None)]
    assert emails == [] and audit == []


def test_withdrawing_leaves_another_organisations_request_alone(db, session: Session, organisation: Organisation,
                                                                admin: User) -> None:
    other = make_organisation(session)
    theirs = make_deletion_request(session, other)

    with pytest.raises(NotFound):
        withdraw_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, vendor=DEFAULT_VENDOR)

    with db.session() as fresh:
        assert fresh.get(DeletionRequest, theirs.id).status == 'pending'
