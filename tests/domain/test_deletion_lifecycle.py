"""The deletion lifecycle driven by an explicit clock: request, effective date, cancellation, completion, purge;
withdrawal at each stage; the Admin Team bringing the date forward. Every step happens once however often, and from
however many processes, the jobs run."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, SQLModel, col, select, text

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.auth.accounts import active_user, authenticate, set_password
from dashboard.domain.billing.licence_requests import mark_licence_request_handled
from dashboard.domain.deletion import lifecycle as deletion_lifecycle
from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.deletion.progress import deletion_progress
from dashboard.domain.deletion.purge import purge_personal_data
from dashboard.domain.deletion.requests import bring_deletion_forward, request_deletion, withdraw_deletion
from dashboard.domain.errors import InvalidInput, NotFound, PermissionDenied
from dashboard.domain.models import (
    AuditEntry,
    DeletionRequest,
    LicenceHistory,
    LicencePool,
    LicenceRequest,
    Organisation,
    OutboxEmail,
    User,
)
from tests.factories import (
    actor,
    make_deletion_request,
    make_history,
    make_licence_request,
    make_organisation,
    make_pool,
    make_user,
)

TODAY = date(2026, 6, 15)
EFFECTIVE = date(2027, 3, 5)
LAST_MOMENT = datetime(2027, 3, 5, 23, 59, 59, tzinfo=UTC)  # the effective date: the account is still paid for
THE_DAY_AFTER = datetime(2027, 3, 6, 0, 5, tzinfo=UTC)  # the first run once the effective date has ended
PASSWORD = 'correct horse battery'
SUPPORT = get_settings().vendor_support_email


class Acme:
    """An organisation with every kind of person the lifecycle treats differently, and the vendor's Admin Team."""

    def __init__(self, session: Session) -> None:
        self.organisation = make_organisation(session, name='Acme Remote Ltd', serial_number='NS-7781-QX',
                                              subscription_end=EFFECTIVE)
        people = [('global_admin', 'Greta Global', 'greta@acme.example', '+44 20 7946 0101'),
                  ('billing_admin', 'Abe Admin', 'abe@acme.example', '+44 20 7946 0102'),
                  ('viewer', 'Vera Viewer', 'vera@acme.example', '+44 20 7946 0103'),
                  ('user', 'Ulf User', 'ulf@acme.example', '+44 20 7946 0104')]
        self.greta, self.abe, self.vera, self.ulf = (
            make_user(session, self.organisation, role, full_name=name, email=email, phone=phone)
            for role, name, email, phone in people)
        self.gone = make_user(session, self.organisation, 'billing_admin', full_name='Gus Gone',
                              email='gus@acme.example', phone='+44 20 7946 0105', is_active=False)
        self.organisation.main_contact_id = self.vera.id
        session.add(self.organisation)
        session.commit()
        self.ada = make_user(session, None, 'vendor_admin', full_name='Ada Admin', email='ada@vendor.example')
        self.sam = make_user(session, None, 'sales', full_name='Sam Sales', email='sam@vendor.example')
        self.pool = make_pool(session, self.organisation, total=150, in_use=128, expiry_date=EFFECTIVE)
        make_history(session, self.organisation, actor='Abe Admin', by_vendor=False, old_value='100',
                     new_value='150', note='Bought online by Abe Admin, abe@acme.example')
        make_history(session, self.organisation, actor='Ada Admin', by_vendor=True, old_value='150',
                     new_value='140', note='Agreed on the phone with Greta Global')
        make_history(session, self.organisation, actor='Admin Team', by_vendor=False, old_value='140',
                     new_value='150', note=None)
        handled = make_licence_request(session, self.organisation, requested_by_name='Abe Admin',
                                       message='For Abe Admin\'s new team, call +44 20 7946 0102')
        mark_licence_request_handled(session=session, actor=actor(self.ada), request_id=handled.id)
        set_password(session=session, email='abe@acme.example', password=PASSWORD)

    @property
    def personal(self) -> list[str]:
        """What must be gone after the purge: every name, email and phone of the organisation's people."""
        return ['Greta', 'Abe', 'Vera', 'Ulf', 'Gus', '@acme.example', '+44 20 7946']  # as written: case matters


@pytest.fixture
def acme(session: Session) -> Acme:
    return Acme(session)


@pytest.fixture
def other(session: Session) -> User:
    """Someone of another organisation, whom nothing here may touch."""
    return make_user(session, make_organisation(session, subscription_end=EFFECTIVE), 'billing_admin',
                     full_name='Olga Other', email='olga@other.example')


def requested(session: Session, acme: Acme) -> DeletionRequest:
    return request_deletion(session=session, actor=actor(acme.abe), organisation_id=acme.organisation.id, today=TODAY)


def emails(db: Database) -> list[OutboxEmail]:
    with db.session() as session:
        return list(session.exec(select(OutboxEmail).order_by(col(OutboxEmail.id))).all())


def stored(db: Database, request_id: int) -> tuple[DeletionRequest, Organisation]:
    with db.session() as session:
        request = session.get(DeletionRequest, request_id)
        return request, session.get(Organisation, request.organisation_id)


def notices(db: Database) -> list[tuple[str, str]]:
    """(kind, recipients) of every email, in the order queued."""
    return [(email.kind, email.to_address) for email in emails(db)]


CONTACTS = 'vera@acme.example, abe@acme.example, greta@acme.example'


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

    assert advance_deletions(session=session, now=datetime(2027, 3, 4, 23, 59, 59, tzinfo=UTC)) == 0
    assert advance_deletions(session=session, now=datetime(2027, 3, 5, 0, 0, tzinfo=UTC)) == 0
    assert advance_deletions(session=session, now=LAST_MOMENT) == 0

    request, organisation = stored(db, request.id)
    assert (request.status, request.started_at, organisation.cancelled_at) == ('pending', None, None)
    assert len(emails(db)) == 2


def test_the_day_after_the_effective_date_the_account_is_cancelled_and_the_contacts_told_once(
        db, session: Session, acme: Acme) -> None:
    request = requested(session, acme)
    assert authenticate(session=session, email='abe@acme.example', password=PASSWORD) is not None

    assert advance_deletions(session=session, now=THE_DAY_AFTER) == 1
    assert advance_deletions(session=session, now=THE_DAY_AFTER + timedelta(hours=1)) == 0
    with db.session() as another_process:
        assert advance_deletions(session=another_process, now=THE_DAY_AFTER + timedelta(days=1)) == 0

    request, organisation = stored(db, request.id)
    assert (request.status, _utc(request.started_at), _utc(request.completed_at)) == (
        'completed', THE_DAY_AFTER, THE_DAY_AFTER)
    assert _utc(organisation.cancelled_at) == THE_DAY_AFTER
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
        request_deletion(session=session, actor=actor(requester), organisation_id=organisation.id, today=TODAY)
    barrier = threading.Barrier(2, timeout=10)
    advanced: list[int] = []
    errors: list[BaseException] = []

    def run_the_job() -> None:
        try:
            with db.session() as job_session:
                # Both have listed the due requests before either claims one.
                event.listen(job_session, 'after_soft_rollback', lambda *_: barrier.wait(), once=True)
                advanced.append(advance_deletions(session=job_session, now=THE_DAY_AFTER))
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
                              today=TODAY)
    real = deletion_lifecycle.contact_addresses

    def broken_for_acme(*, session, organisation, request):
        if organisation.id == acme.organisation.id:
            raise RuntimeError('mail template missing')
        return real(session=session, organisation=organisation, request=request)
    monkeypatch.setattr(deletion_lifecycle, 'contact_addresses', broken_for_acme)

    assert advance_deletions(session=session, now=THE_DAY_AFTER) == 1
    assert (stored(db, mine.id)[0].status, stored(db, theirs.id)[0].status) == ('pending', 'completed')

    monkeypatch.setattr(deletion_lifecycle, 'contact_addresses', real)
    assert advance_deletions(session=session, now=THE_DAY_AFTER + timedelta(minutes=5)) == 1
    assert stored(db, mine.id)[0].status == 'completed'


def test_a_request_left_in_progress_is_completed_by_the_next_run(db, session: Session, acme: Acme) -> None:
    request = make_deletion_request(session, acme.organisation, status='in_progress',
                                    started_at=THE_DAY_AFTER - timedelta(days=2))

    assert advance_deletions(session=session, now=THE_DAY_AFTER) == 1

    request, organisation = stored(db, request.id)
    assert request.status == 'completed' and organisation.cancelled_at is not None
    assert [kind for kind, _ in notices(db)] == ['deletion_completed']


def test_the_purge_waits_until_it_is_due_then_removes_every_personal_datum(db, session: Session, acme: Acme,
                                                                           other: User) -> None:
    request = requested(session, acme)
    advance_deletions(session=session, now=THE_DAY_AFTER)
    withheld = emails(db)[-1]  # the completion notice, never delivered: the purge must not send it later

    assert purge_personal_data(session=session, now=datetime(2027, 4, 3, 23, 59, tzinfo=UTC)) == 0
    assert _everything(db, acme.organisation.id).count('Abe Admin') > 3, 'nothing was purged early'

    purge_time = datetime(2027, 4, 4, 0, 5, tzinfo=UTC)  # 29 days after completion: within the 30
    assert purge_personal_data(session=session, now=purge_time) == 1
    assert purge_personal_data(session=session, now=purge_time + timedelta(days=1)) == 0

    everything = _everything(db, acme.organisation.id)
    leaks = [word for word in acme.personal if word in everything]
    assert leaks == [], f'personal data left after the purge: {leaks}'
    with db.session() as fresh:
        purged = fresh.get(DeletionRequest, request.id)
        assert _utc(purged.purged_at) == purge_time and purged.requested_by_name == 'Deleted user'
        organisation = fresh.get(Organisation, acme.organisation.id)
        assert (organisation.name, organisation.serial_number, organisation.main_contact_id) == (
            'Acme Remote Ltd', 'NS-7781-QX', None)
        pool = fresh.get(LicencePool, acme.pool.id)
        assert (pool.total, pool.in_use, pool.expiry_date) == (150, 128, EFFECTIVE)
        users = fresh.exec(select(User).where(User.organisation_id == acme.organisation.id)).all()
        assert {(u.full_name, u.email, u.email_key, u.phone, u.password_hash, u.is_active) for u in users} == {
            ('Deleted user', f'deleted-user-{u.id}@invalid', f'deleted-user-{u.id}@invalid', None, None, False)
            for u in users}
        history = fresh.exec(select(LicenceHistory).order_by(LicenceHistory.id)).all()
        assert [(h.actor, h.old_value, h.new_value, h.note) for h in history] == [
            ('Deleted user', '100', '150', None), ('Ada Admin', '150', '140', None), ('Admin Team', '140', '150', None)]
        licence_request = fresh.exec(select(LicenceRequest)).one()
        assert (licence_request.requested_by_name, licence_request.message, licence_request.quantity) == (
            'Deleted user', None, 25)
        audit = fresh.exec(select(AuditEntry).where(AuditEntry.organisation_id == acme.organisation.id)).all()
        assert ('Ada Admin', 'licence_request_handled', '') in {(a.actor_name, a.action, a.details) for a in audit}
        [record] = [a for a in audit if a.action == 'personal_data_purged']
        assert record.details.startswith(f'request {request.id}: ') and 'users 5' in record.details
        outbox = {email.id: email for email in fresh.exec(select(OutboxEmail)).all()}
        assert outbox[withheld.id].status == 'failed'
        assert {email.kind for email in outbox.values()} >= {'deletion_requested', 'deletion_completed'}
        assert all('NS-7781-QX' in email.subject for email in outbox.values())
        # Another organisation and the vendor's staff are not touched.
        assert fresh.get(User, other.id).email == 'olga@other.example'
        assert fresh.get(User, acme.ada.id).full_name == 'Ada Admin'
    assert 'Olga Other' in _everything(db, other.organisation_id)


def test_the_purge_keeps_the_thirty_day_promise_whenever_a_daily_job_runs() -> None:
    from dashboard.domain.deletion.purge import is_purge_due
    for completed_at in (datetime(2027, 3, 5, 0, 0, 1, tzinfo=UTC), datetime(2027, 3, 5, 23, 59, tzinfo=UTC)):
        latest_daily_run = datetime(2027, 4, 3, 23, 59, 59, tzinfo=UTC)
        assert is_purge_due(completed_at, latest_daily_run.date())
        assert latest_daily_run - completed_at < timedelta(days=30)
        assert not is_purge_due(completed_at, date(2027, 4, 2))


def test_withdrawing_a_pending_request_notifies_and_stops_everything(db, session: Session, acme: Acme) -> None:
    request = requested(session, acme)

    withdraw_deletion(session=session, actor=actor(acme.greta), organisation_id=acme.organisation.id)
    assert advance_deletions(session=session, now=THE_DAY_AFTER + timedelta(days=1)) == 0
    assert purge_personal_data(session=session, now=THE_DAY_AFTER + timedelta(days=60)) == 0

    request, organisation = stored(db, request.id)
    assert (request.status, request.withdrawn_by_name, organisation.cancelled_at) == ('withdrawn', 'Greta Global',
                                                                                     None)
    assert notices(db)[2:] == [('deletion_withdrawn_support', SUPPORT), ('deletion_withdrawn', CONTACTS)]
    assert 'Greta Global' in emails(db)[3].body_text and 'NS-7781-QX' in emails(db)[3].subject
    assert authenticate(session=session, email='abe@acme.example', password=PASSWORD) is not None


def test_withdrawing_once_in_progress_is_refused(db, session: Session, acme: Acme) -> None:
    make_deletion_request(session, acme.organisation, status='in_progress')

    with pytest.raises(InvalidInput, match='already in progress and can no longer be withdrawn'):
        withdraw_deletion(session=session, actor=actor(acme.abe), organisation_id=acme.organisation.id)
    assert emails(db) == []


def test_withdrawing_after_completion_is_refused(db, session: Session, acme: Acme) -> None:
    requested(session, acme)
    advance_deletions(session=session, now=THE_DAY_AFTER)
    before = len(emails(db))

    with pytest.raises(InvalidInput, match='The account was cancelled on 6 Mar 2027'):
        withdraw_deletion(session=session, actor=actor(acme.abe), organisation_id=acme.organisation.id)
    assert len(emails(db)) == before


def test_the_job_starting_first_wins_over_a_withdrawal(db, session: Session, acme: Acme) -> None:
    """The withdrawal read 'pending', then the job started the cancellation before it wrote."""
    request = requested(session, acme)

    jobs: list[int] = []

    def the_job_gets_there_first(state) -> None:
        if state.is_update and not jobs:
            with db.session() as job_session:
                jobs.append(advance_deletions(session=job_session, now=THE_DAY_AFTER))
    event.listen(session, 'do_orm_execute', the_job_gets_there_first)

    with pytest.raises(InvalidInput, match='can no longer be withdrawn'):
        withdraw_deletion(session=session, actor=actor(acme.abe), organisation_id=acme.organisation.id)
    assert jobs == [1]
    assert stored(db, request.id)[0].withdrawn_at is None


def test_the_admin_team_brings_the_date_forward_and_the_contacts_are_told(db, session: Session,
                                                                          acme: Acme) -> None:
    request = requested(session, acme)
    sooner = date(2026, 7, 1)

    bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                           effective_date='2026-07-01', today=TODAY)

    assert stored(db, request.id)[0].effective_date == sooner
    assert notices(db)[2:] == [('deletion_rescheduled', CONTACTS)]
    notice = emails(db)[2]
    assert notice.dedupe_key == f'deletion:{request.id}:rescheduled:2026-07-01'
    assert '1 Jul 2026' in notice.subject and '5 Mar 2027' in notice.body_text and 'NS-7781-QX' in notice.body_html
    with db.session() as fresh:
        entry = fresh.exec(select(AuditEntry).where(AuditEntry.action == 'deletion_brought_forward')).one()
    assert (entry.actor_name, entry.details) == ('Ada Admin', 'effective 2027-03-05 → 2026-07-01')
    assert advance_deletions(session=session, now=datetime(2026, 7, 1, 23, 59, tzinfo=UTC)) == 0
    assert advance_deletions(session=session, now=datetime(2026, 7, 2, 0, 1, tzinfo=UTC)) == 1


@pytest.mark.parametrize('who', ['sam', 'abe', 'greta'])
def test_only_the_admin_team_brings_a_date_forward(db, session: Session, acme: Acme, who: str) -> None:
    request = requested(session, acme)

    with pytest.raises(PermissionDenied):
        bring_deletion_forward(session=session, actor=actor(getattr(acme, who)),
                               organisation_id=acme.organisation.id, effective_date=date(2026, 7, 1), today=TODAY)
    assert stored(db, request.id)[0].effective_date == EFFECTIVE


@pytest.mark.parametrize(('new_date', 'message'), [
    ('2026-06-14', 'cannot be in the past'),
    ('2027-03-05', 'must be before the current one, 5 Mar 2027'),
    ('2027-04-01', 'must be before the current one'),
    ('tomorrow', 'is not a date'),
    ('', 'Enter the new effective date'),
])
def test_a_date_that_is_not_sooner_is_refused(db, session: Session, acme: Acme, new_date: str, message: str) -> None:
    request = requested(session, acme)

    with pytest.raises(InvalidInput, match=message):
        bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                               effective_date=new_date, today=TODAY)
    assert stored(db, request.id)[0].effective_date == EFFECTIVE
    assert len(emails(db)) == 2


def test_today_is_the_soonest_and_nothing_open_is_not_found(db, session: Session, acme: Acme) -> None:
    with pytest.raises(NotFound, match='no pending deletion request'):
        bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                               effective_date=TODAY, today=TODAY)
    request = requested(session, acme)
    bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                           effective_date=TODAY, today=TODAY)
    assert stored(db, request.id)[0].effective_date == TODAY


def test_a_started_cancellation_cannot_be_moved(db, session: Session, acme: Acme) -> None:
    make_deletion_request(session, acme.organisation, status='in_progress')

    with pytest.raises(InvalidInput, match='already started'):
        bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                               effective_date=date(2026, 7, 1), today=TODAY)


def test_the_progress_shows_each_step_and_its_notices(db, session: Session, acme: Acme) -> None:
    requested(session, acme)
    viewer = actor(acme.vera)

    progress = deletion_progress(session=session, actor=viewer, organisation_id=acme.organisation.id)
    assert (progress.status, progress.requested_by, progress.effective_date, progress.completed_at) == (
        'pending', 'Abe Admin', EFFECTIVE, None)
    assert [(n.step, n.status) for n in progress.notices] == [('requested_support', 'pending'),
                                                              ('requested', 'pending')]

    advance_deletions(session=session, now=THE_DAY_AFTER)
    progress = deletion_progress(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id)
    assert progress.status == 'completed' and _utc(progress.completed_at) == THE_DAY_AFTER
    assert (progress.purge_due_on, progress.purge_deadline) == (date(2027, 4, 4), date(2027, 4, 5))
    assert [n.step for n in progress.notices_of('starting', 'completed')] == ['starting', 'completed']
    with pytest.raises(PermissionDenied):
        deletion_progress(session=session, actor=actor(acme.ulf), organisation_id=acme.organisation.id)


def _everything(db: Database, organisation_id: int) -> str:
    """Every column of every row that belongs to the organisation (or is about its users), as one text."""
    with db.session() as session:
        chunks = []
        for table in SQLModel.metadata.sorted_tables:
            columns = {c.name for c in table.columns}
            if table.name == 'organisation':
                where = 'id = :org'
            elif 'organisation_id' in columns:
                where = 'organisation_id = :org'
            else:
                continue
            for row in session.execute(text(f'SELECT * FROM {table.name} WHERE {where}'), {'org': organisation_id}):
                chunks.append(' | '.join(str(value) for value in row))
        return '\n'.join(chunks)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite gives timestamps back without their zone; they are UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def test_an_expired_account_is_told_it_ends_today_and_names_are_escaped_in_html(db, session: Session) -> None:
    organisation = make_organisation(session, name='Smith & <Sons>', serial_number='SN-AMP-1',
                                     subscription_end=TODAY - timedelta(days=10))
    admin = make_user(session, organisation, 'global_admin', full_name='Sam Smith', email='sam@smith.example')

    request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=TODAY)

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
    request = request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=TODAY)
    assert request.effective_date == TODAY

    assert advance_deletions(session=session, now=datetime(2026, 6, 15, 23, 59, 59, tzinfo=UTC)) == 0
    assert advance_deletions(session=session, now=datetime(2026, 6, 16, 0, 0, tzinfo=UTC)) == 1
    request, cancelled = stored(db, request.id)
    assert request.status == 'completed' and cancelled.cancelled_at is not None


def test_a_cancellation_the_jobs_reach_late_says_when_it_took_effect(db, session: Session, acme: Acme) -> None:
    """The jobs did not run the day after the effective date (an outage): the notice still says when it was."""
    requested(session, acme)
    assert advance_deletions(session=session, now=THE_DAY_AFTER + timedelta(days=3)) == 1
    starting = emails(db)[2]
    assert starting.kind == 'deletion_starting'
    assert 'took effect at the end of 5 Mar 2027' in starting.body_text and 'today' not in starting.body_text
    assert 'took effect at the end of' in starting.body_html
