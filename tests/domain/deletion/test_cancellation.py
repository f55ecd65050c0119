"""The deletion lifecycle driven by an explicit clock: request, effective date, cancellation, completion. Every step
happens once however often, and from however many processes, the jobs run."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from dashboard.domain.auth.accounts import active_user, authenticate
from dashboard.domain.deletion import lifecycle as deletion_lifecycle
from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.deletion.progress import deletion_progress
from dashboard.domain.deletion.requests import request_deletion
from dashboard.domain.errors import PermissionDenied
from dashboard.domain.models import AuditEntry, DeletionRequest, User
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.deletion.conftest import (
    CONTACTS,
    EFFECTIVE,
    LAST_MOMENT,
    PASSWORD,
    SUPPORT,
    THE_DAY_AFTER,
    TODAY,
    Acme,
    emails,
    notices,
    requested,
    stored,
)
from tests.factories import actor, make_deletion_request, make_organisation, make_user


def test_a_request_notifies_vendor_support_and_the_contacts(db, session: Session, acme: Acme) -> None:
    request = requested(session, acme)

    assert notices(db) == [('deletion_requested_support', SUPPORT), ('deletion_requested', CONTACTS)]
    notice = emails(db)[1]
    assert notice.dedupe_key == f'deletion:{request.id}:requested'
    assert 'Acme Remote Ltd' in notice.subject and 'NS-7781-QX' in notice.subject and '5 Mar 2027' in notice.subject
    for body in (notice.body_text, notice.body_html):
        for promise in ['Abe Admin', 'Acme Remote Ltd', 'NS-7781-QX', '5 Mar 2027',
                        'all user accounts (including billing and administration accounts) are removed',
                        'must be removed manually', 'notified before the cancellation process starts',
                        'within 30 days after completion', SUPPORT]:
            assert promise in body


def test_nothing_happens_before_the_effective_date_has_ended(db, session: Session, acme: Acme) -> None:
    """The seed: the cancellation takes effect at the END of the subscription period; its last day is paid for."""
    request = requested(session, acme)

    assert advance_deletions(session=session, now=datetime(2027, 3, 4, 23, 59, 59, tzinfo=UTC),
                             vendor=DEFAULT_VENDOR) == 0
    assert advance_deletions(session=session, now=datetime(2027, 3, 5, 0, 0, tzinfo=UTC), vendor=DEFAULT_VENDOR) == 0
    assert advance_deletions(session=session, now=LAST_MOMENT, vendor=DEFAULT_VENDOR) == 0

    request, organisation = stored(db, request.id)
    assert (request.status, request.started_at, organisation.cancelled_at) == ('pending', None, None)
    assert len(emails(db)) == 2


def test_the_day_after_the_effective_date_the_account_is_cancelled_and_the_contacts_told_once(
        db, session: Session, acme: Acme) -> None:
    request = requested(session, acme)
    assert authenticate(session=session, email='abe@acme.example', password=PASSWORD) is not None

    assert advance_deletions(session=session, now=THE_DAY_AFTER, vendor=DEFAULT_VENDOR) == 1
    assert advance_deletions(session=session, now=THE_DAY_AFTER + timedelta(hours=1), vendor=DEFAULT_VENDOR) == 0
    with db.session() as another_process:
        assert advance_deletions(session=another_process, now=THE_DAY_AFTER + timedelta(days=1),
                                 vendor=DEFAULT_VENDOR) == 0

    request, organisation = stored(db, request.id)
    assert (request.status, request.started_at, request.completed_at) == (
        'completed', THE_DAY_AFTER, THE_DAY_AFTER)
    assert organisation.cancelled_at == THE_DAY_AFTER
    assert notices(db)[2:] == [('deletion_starting', CONTACTS), ('deletion_completed', CONTACTS)]
    starting, completed = emails(db)[2:]
    assert (starting.dedupe_key, completed.dedupe_key) == (f'deletion:{request.id}:starting',
                                                           f'deletion:{request.id}:completed')
    assert 'starts now' in starting.subject and 'NS-7781-QX' in starting.subject
    assert 'Acme Remote Ltd' in starting.body_text and 'lose access' in starting.body_text
    assert 'took effect at the end of 5 Mar 2027' in starting.body_text and 'today' not in starting.body_text
    assert 'complete' in completed.subject and 'Acme Remote Ltd' in completed.body_html
    assert '6 Mar 2027' in completed.body_text and '5 Apr 2027' in completed.body_text  # purged by then
    with db.session() as fresh:
        assert authenticate(session=fresh, email='abe@acme.example', password=PASSWORD) is None
        assert all(active_user(session=fresh, user_id=user.id) is None
                   for user in (acme.greta, acme.abe, acme.vera, acme.ulf))
        assert active_user(session=fresh, user_id=acme.ada.id) is not None
        actions = fresh.exec(select(AuditEntry.action, AuditEntry.actor_name)
                             .where(col(AuditEntry.action).in_(['deletion_started', 'organisation_cancelled',
                                                                'deletion_completed']))).all()
    assert sorted(actions) == [('deletion_completed', 'Scheduled job'), ('deletion_started', 'Scheduled job'),
                               ('organisation_cancelled', 'Scheduled job')]


def test_two_processes_at_once_advance_each_request_once(db, session: Session, acme: Acme) -> None:
    requested(session, acme)
    for _ in range(3):
        organisation = make_organisation(session, subscription_end=EFFECTIVE)
        requester = make_user(session, organisation, 'global_admin')
        request_deletion(session=session, actor=actor(requester), organisation_id=organisation.id, today=TODAY,
                         vendor=DEFAULT_VENDOR)
    barrier = threading.Barrier(2, timeout=10)
    advanced: list[int] = []
    errors: list[BaseException] = []

    def run_the_job() -> None:
        try:
            with db.session() as job_session:
                # Both have listed the due requests before either claims one.
                event.listen(job_session, 'after_soft_rollback', lambda *_: barrier.wait(), once=True)
                advanced.append(advance_deletions(session=job_session, now=THE_DAY_AFTER, vendor=DEFAULT_VENDOR))
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=run_the_job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(advanced) in ([0, 4], [1, 3], [2, 2]), advanced
    kinds = [kind for kind, _ in notices(db)]
    assert (kinds.count('deletion_starting'), kinds.count('deletion_completed')) == (4, 4)
    with db.session() as fresh:
        assert set(fresh.exec(select(DeletionRequest.status)).all()) == {'completed'}


def test_a_request_that_fails_does_not_hold_up_the_others(db, session: Session, acme: Acme, other: User,
                                                          monkeypatch) -> None:
    mine = requested(session, acme)
    theirs = request_deletion(session=session, actor=actor(other), organisation_id=other.organisation_id,
                              today=TODAY, vendor=DEFAULT_VENDOR)
    real = deletion_lifecycle.contact_addresses

    def broken_for_acme(*, session, organisation, request):
        if organisation.id == acme.organisation.id:
            raise RuntimeError('mail template missing')
        return real(session=session, organisation=organisation, request=request)
    monkeypatch.setattr(deletion_lifecycle, 'contact_addresses', broken_for_acme)

    assert advance_deletions(session=session, now=THE_DAY_AFTER, vendor=DEFAULT_VENDOR) == 1
    assert (stored(db, mine.id)[0].status, stored(db, theirs.id)[0].status) == ('pending', 'completed')

    monkeypatch.setattr(deletion_lifecycle, 'contact_addresses', real)
    assert advance_deletions(session=session, now=THE_DAY_AFTER + timedelta(minutes=5), vendor=DEFAULT_VENDOR) == 1
    assert stored(db, mine.id)[0].status == 'completed'


def test_a_request_left_in_progress_is_completed_by_the_next_run(db, session: Session, acme: Acme) -> None:
    request = make_deletion_request(session, acme.organisation, status='in_progress',
                                    started_at=THE_DAY_AFTER - timedelta(days=2))

    assert advance_deletions(session=session, now=THE_DAY_AFTER, vendor=DEFAULT_VENDOR) == 1

    request, organisation = stored(db, request.id)
    assert request.status == 'completed' and organisation.cancelled_at is not None
    assert [kind for kind, _ in notices(db)] == ['deletion_completed']


def test_the_progress_shows_each_step_and_its_notices(db, session: Session, acme: Acme) -> None:
    requested(session, acme)
    viewer = actor(acme.vera)

    progress = deletion_progress(session=session, actor=viewer, organisation_id=acme.organisation.id)
    assert (progress.status, progress.requested_by, progress.effective_date, progress.completed_at) == (
        'pending', 'Abe Admin', EFFECTIVE, None)
    assert [(n.step, n.status) for n in progress.notices] == [('requested_support', 'pending'),
                                                              ('requested', 'pending')]

    advance_deletions(session=session, now=THE_DAY_AFTER, vendor=DEFAULT_VENDOR)
    progress = deletion_progress(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id)
    assert progress.status == 'completed' and progress.completed_at == THE_DAY_AFTER
    assert (progress.purge_due_on, progress.purge_deadline) == (date(2027, 4, 4), date(2027, 4, 5))
    assert [n.step for n in progress.notices_of('starting', 'completed')] == ['starting', 'completed']
    with pytest.raises(PermissionDenied):
        deletion_progress(session=session, actor=actor(acme.ulf), organisation_id=acme.organisation.id)


def test_an_expired_account_is_told_it_ends_today_and_names_are_escaped_in_html(db, session: Session) -> None:
    organisation = make_organisation(session, name='Smith & <Sons>', serial_number='SN-AMP-1',
                                     subscription_end=TODAY - timedelta(days=10))
    admin = make_user(session, organisation, 'global_admin', full_name='Sam Smith', email='sam@smith.example')

    request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=TODAY,
                     vendor=DEFAULT_VENDOR)

    notice = emails(db)[1]
    assert notice.to_address == 'sam@smith.example'
    assert 'effective 15 Jun 2026' in notice.subject and 'Smith & <Sons>' in notice.subject
    assert 'takes effect at the end of 15 Jun 2026, today, because the subscription period has ended' \
        in notice.body_text
    assert 'Smith &amp; &lt;Sons&gt;' in notice.body_html and '<Sons>' not in notice.body_html


def test_an_expired_account_is_cancelled_at_the_end_of_the_request_day(db, session: Session) -> None:
    """Its effective date is the request day: as for every account, the cancellation starts once that day ended."""
    organisation = make_organisation(session, subscription_end=TODAY - timedelta(days=10))
    admin = make_user(session, organisation, 'global_admin')
    request = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=TODAY,
                               vendor=DEFAULT_VENDOR)
    assert request.effective_date == TODAY

    assert advance_deletions(session=session, now=datetime(2026, 6, 15, 23, 59, 59, tzinfo=UTC),
                             vendor=DEFAULT_VENDOR) == 0
    assert advance_deletions(session=session, now=datetime(2026, 6, 16, 0, 0, tzinfo=UTC), vendor=DEFAULT_VENDOR) == 1
    request, cancelled = stored(db, request.id)
    assert request.status == 'completed' and cancelled.cancelled_at is not None


def test_a_cancellation_the_jobs_reach_late_says_when_it_took_effect(db, session: Session, acme: Acme) -> None:
    """The jobs did not run the day after the effective date (an outage): the notice still says when it was."""
    requested(session, acme)
    assert advance_deletions(session=session, now=THE_DAY_AFTER + timedelta(days=3), vendor=DEFAULT_VENDOR) == 1
    starting = emails(db)[2]
    assert starting.kind == 'deletion_starting'
    assert 'took effect at the end of 5 Mar 2027' in starting.body_text and 'today' not in starting.body_text
    assert 'took effect at the end of' in starting.body_html
