"""The scheduled jobs: each runs when due, one failing does not stop the others, and `jobs run-once` for cron."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from dashboard import jobs
from dashboard.cli import main
from dashboard.config import get_settings
from dashboard.domain import clock
from dashboard.domain.auth.accounts import active_user
from dashboard.domain.deletion.requests import request_deletion
from dashboard.domain.models import DeletionRequest, Organisation, OutboxEmail, User
from dashboard.domain.vendor import DEFAULT_VENDOR
from dashboard.jobs import Job, Schedule, run_due_jobs, session_job
from tests.factories import actor, make_organisation, make_pool, make_user
from tests.jobs.conftest import T0, queue


def test_every_job_runs_and_a_failing_one_does_not_stop_the_others(db, caplog) -> None:
    ran: list[str] = []

    def broken(_db, _now) -> int:
        raise RuntimeError('the database went away')

    def working(_db, now) -> int:
        ran.append(f'working at {now:%H:%M}')
        return 3

    results = run_due_jobs(db, T0, jobs=[Job('broken', broken, timedelta(0)), Job('working', working, timedelta(0))])

    assert results == {'working': 3}
    assert ran == ['working at 09:00']
    assert 'The job "broken" failed' in caplog.text and 'the database went away' in caplog.text


def test_with_a_schedule_a_job_runs_again_only_once_it_is_due(db) -> None:
    runs: list[str] = []
    hourly = Job('hourly', lambda _db, now: runs.append(f'{now:%H:%M}') or 1, every=timedelta(hours=1))
    schedule = Schedule()

    for minutes in (0, 30, 59, 60, 90, 125):
        run_due_jobs(db, T0 + timedelta(minutes=minutes), schedule=schedule, jobs=[hourly])

    assert runs == ['09:00', '10:00', '11:05']


def test_a_session_job_gets_a_session_the_time_and_its_values_and_commits(db) -> None:
    def queue_a_reminder(*, session, now, stages) -> int:
        session.add(OutboxEmail(to_address='a@example.com', subject=f'{now:%d %b} {stages}', body_text='T'))
        return 1

    run = session_job(queue_a_reminder, stages=lambda: [30, 7])

    assert run(db, T0) == 1
    with db.session() as session:
        assert session.exec(select(OutboxEmail.subject)).all() == ['01 Mar [30, 7]']


def test_delivery_is_a_job_and_runs_after_the_jobs_that_queue_mail(monkeypatch) -> None:
    reminders = Job('renewal reminders', lambda _db, _now: 0, timedelta(hours=1))
    monkeypatch.setattr(jobs, 'QUEUEING_JOBS', [reminders])

    assert [job.name for job in jobs.all_jobs()] == ['renewal reminders', 'outbox delivery']


@pytest.fixture
def cli_environment(db, monkeypatch):
    monkeypatch.setenv('DATABASE_URL', db.url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_jobs_run_once_sends_the_outbox_and_says_so(db, smtp_server, cli_environment, monkeypatch, capsys) -> None:
    monkeypatch.setenv('SMTP_HOST', '127.0.0.1')
    monkeypatch.setenv('SMTP_PORT', str(smtp_server.port))
    monkeypatch.setenv('SMTP_STARTTLS', 'false')
    get_settings.cache_clear()
    queue(db, 2)

    assert main(['jobs', 'run-once']) == 0
    assert capsys.readouterr().out.splitlines() == [
        'renewal reminders: 0 reminders queued', 'sales digest: 1 digests queued',
        'account deletions: 0 accounts cancelled', 'personal data purge: 0 accounts purged',
        'outbox delivery: 3 emails sent']
    assert main(['jobs', 'run-once']) == 0  # again: nothing new to queue, nothing left to send
    assert capsys.readouterr().out.splitlines() == [
        'renewal reminders: 0 reminders queued', 'sales digest: 0 digests queued',
        'account deletions: 0 accounts cancelled', 'personal data purge: 0 accounts purged',
        'outbox delivery: 0 emails sent']
    subjects = sorted(received.message['Subject'] for received in smtp_server.received)
    assert len(subjects) == 3 and subjects[:2] == ['Email 0', 'Email 1'] and 'digest' in subjects[2].lower()


def test_jobs_run_once_without_smtp_says_mail_stays_in_the_outbox(db, cli_environment, monkeypatch, capsys) -> None:
    monkeypatch.setenv('SMTP_HOST', '')
    get_settings.cache_clear()
    queue(db)

    assert main(['jobs', 'run-once']) == 0

    assert capsys.readouterr().out.splitlines() == [
        'SMTP_HOST is not set: mail is not sent and stays in the outbox.', 'renewal reminders: 0 reminders queued',
        'sales digest: 1 digests queued', 'account deletions: 0 accounts cancelled',
        'personal data purge: 0 accounts purged', 'outbox delivery: 0 emails sent']
    with db.session() as session:
        assert session.exec(select(OutboxEmail.status)).all() == ['pending', 'pending']


def test_the_jobs_queue_mail_for_the_configured_vendor(db, cli_environment, monkeypatch, capsys) -> None:
    monkeypatch.setenv('SMTP_HOST', '')
    monkeypatch.setenv('VENDOR_SALES_EMAIL', 'deals@remotedesk.example')
    get_settings.cache_clear()

    assert main(['jobs', 'run-once']) == 0

    with db.session() as session:
        assert session.exec(select(OutboxEmail.to_address).where(OutboxEmail.kind == 'sales_digest')).all() == [
            'deals@remotedesk.example']


def test_a_failing_job_makes_run_once_exit_non_zero(db, cli_environment, monkeypatch, capsys) -> None:
    def broken(_db, _now) -> int:
        raise RuntimeError('boom')

    monkeypatch.setattr(jobs, 'QUEUEING_JOBS', [Job('renewal reminders', broken, timedelta(hours=1))])

    assert main(['jobs', 'run-once']) == 1

    assert 'renewal reminders: FAILED (see above)' in capsys.readouterr().out


def test_the_jobs_carry_a_deletion_through_cancellation_and_purge_and_remind_before_expiry(db, session) -> None:
    """The registered jobs, driven by a clock: a reminder 30 days before a pool expires (to a staying account, not to
    the leaving one); once the effective date (the last day paid for) has ended the account is cancelled and its
    people can no longer sign in; 29 days later their personal data is gone."""
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    end = start.date() + timedelta(days=30)
    organisation = make_organisation(session, name='Doomed Ltd', subscription_end=end)
    make_pool(session, organisation, expiry_date=end)
    admin = make_user(session, organisation, 'global_admin', full_name='Gina Global', email='gina@doomed.example')
    organisation.main_contact_id = admin.id
    session.add(organisation)
    staying = make_organisation(session, name='Staying Ltd', subscription_end=end)
    make_pool(session, staying, expiry_date=end)
    make_user(session, staying, 'global_admin', email='sam@staying.example')
    session.commit()
    request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=start.date(),
                     vendor=DEFAULT_VENDOR)

    def run(at: datetime) -> dict[str, int]:
        return run_due_jobs(db, at)

    assert run(start)['renewal reminders'] == 1
    assert run(start)['renewal reminders'] == 0  # the same stage never twice
    assert run(start + timedelta(days=29))['account deletions'] == 0  # the day before: nothing yet
    assert run(start + timedelta(days=30))['account deletions'] == 0  # the effective date: still paid for
    assert run(start + timedelta(days=30, hours=14, minutes=59))['account deletions'] == 0  # 23:59 that day
    assert run(start + timedelta(days=31))['account deletions'] == 1  # the day after
    with db.session() as check:
        assert check.get(Organisation, organisation.id).cancelled_at is not None
        assert active_user(session=check, user_id=admin.id) is None  # signed out, and no new sign-in
        assert check.exec(select(DeletionRequest.status)).one() == 'completed'
    assert run(start + timedelta(days=31 + 28))['personal data purge'] == 0
    assert run(start + timedelta(days=31 + 29))['personal data purge'] == 1
    with db.session() as check:
        person = check.get(User, admin.id)
        assert (person.full_name, person.email) == ('Deleted user', f'deleted-user-{admin.id}@invalid')
        kinds = check.exec(select(OutboxEmail.kind).order_by(OutboxEmail.id)).all()
        assert {'renewal_reminder', 'deletion_starting', 'deletion_completed'} <= set(kinds)
        reminded = check.exec(select(OutboxEmail.organisation_id).where(OutboxEmail.kind == 'renewal_reminder')).all()
        assert set(reminded) == {staying.id}
        assert all('gina@doomed.example' not in e.to_address for e in check.exec(select(OutboxEmail)).all())


def test_jobs_run_once_at_a_chosen_moment_to_try_the_lifecycle_by_hand(db, session, cli_environment, capsys) -> None:
    end = date(2027, 3, 31)
    organisation = make_organisation(session, subscription_end=end)
    admin = make_user(session, organisation, 'global_admin')
    request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=date(2027, 3, 1),
                     vendor=DEFAULT_VENDOR)

    simulate = ['jobs', 'run-once', '--simulate', '--at']
    assert main([*simulate, '2027-03-31T23:59:00']) == 0  # the effective date: still paid for
    output = capsys.readouterr().out.splitlines()
    assert output[0] == ('WARNING: simulating 2027-03-31T23:59:00+00:00: this cancels accounts and purges data as if '
                         'it were then; only for a demo or test database. Mail delivery uses the real time.')
    assert 'account deletions: 0 accounts cancelled' in output
    assert main([*simulate, '2027-04-01T01:00:00+01:00']) == 0  # 00:00 UTC, the day after
    assert 'account deletions: 1 accounts cancelled' in capsys.readouterr().out
    with db.session() as check:
        assert check.get(Organisation, organisation.id).cancelled_at is not None


def test_jobs_run_once_refuses_a_moment_it_cannot_read(db, cli_environment, capsys) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main(['jobs', 'run-once', '--at', '31/03/2027'])
    assert exit_code.value.code == 2
    assert "'31/03/2027' is not a date (YYYY-MM-DD) or an ISO time" in capsys.readouterr().err
    with db.session() as check:
        assert check.exec(select(OutboxEmail)).all() == []


def _pending_request(session) -> tuple[Organisation, User]:
    organisation = make_organisation(session, subscription_end=date(2027, 3, 31))
    admin = make_user(session, organisation, 'global_admin')
    request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, today=date(2026, 11, 1),
                     vendor=DEFAULT_VENDOR)
    return organisation, admin


def test_jobs_run_once_refuses_a_future_moment_without_simulate_and_changes_nothing(db, session, cli_environment,
                                                                                   capsys) -> None:
    organisation, _ = _pending_request(session)
    with db.session() as check:
        emails_before = check.exec(select(OutboxEmail.id)).all()

    with pytest.raises(SystemExit) as exit_code:
        main(['jobs', 'run-once', '--at', '2099-01-01'])

    assert exit_code.value.code == 2
    output = capsys.readouterr()
    assert output.out == ''
    assert 'is in the future: it cancels accounts and purges data as if it were then; only for a demo or test ' \
        'database. Add --simulate' in output.err
    with db.session() as check:
        assert check.exec(select(DeletionRequest.status)).one() == 'pending'
        assert check.get(Organisation, organisation.id).cancelled_at is None
        assert check.exec(select(OutboxEmail.id)).all() == emails_before


def test_jobs_run_once_at_a_past_or_present_moment_needs_no_simulate(db, cli_environment, capsys) -> None:
    assert main(['jobs', 'run-once', '--at', '2026-01-01']) == 0
    assert 'WARNING' not in capsys.readouterr().out


def test_a_date_alone_means_that_day_at_the_current_time_of_day(db, cli_environment, monkeypatch, capsys) -> None:
    monkeypatch.setattr(clock, 'now', lambda: datetime(2026, 11, 27, 14, 23, 5, tzinfo=UTC))
    seen: list[datetime] = []
    monkeypatch.setattr(jobs, 'run_due_jobs', lambda _db, now: seen.append(now) or {})

    main(['jobs', 'run-once', '--simulate', '--at', '2027-04-01'])

    assert seen == [datetime(2027, 4, 1, 14, 23, 5, tzinfo=UTC)]
    assert 'simulating 2027-04-01T14:23:05+00:00' in capsys.readouterr().out.splitlines()[0]


def test_a_simulated_run_delivers_on_the_real_clock(db, smtp_server, cli_environment, monkeypatch,  # noqa: F811
                                                    capsys) -> None:
    """A send that fails in a simulated run is retried soon, not on the simulated date; sent times are real."""
    monkeypatch.setenv('SMTP_HOST', '127.0.0.1')
    monkeypatch.setenv('SMTP_PORT', str(smtp_server.port))
    monkeypatch.setenv('SMTP_STARTTLS', 'false')
    get_settings.cache_clear()
    smtp_server.data_reply = '451 4.3.0 Try again later'
    queue(db)
    before = datetime.now(UTC)

    assert main(['jobs', 'run-once', '--simulate', '--at', '2099-06-01T12:00:00']) == 0

    with db.session() as check:
        failed = check.exec(select(OutboxEmail).where(OutboxEmail.subject == 'Email 0')).one()
    assert failed.attempts == 1 and failed.status == 'pending'
    assert before < failed.next_attempt_at < datetime.now(UTC) + timedelta(hours=1)

    smtp_server.data_reply = None
    assert main(['jobs', 'run-once', '--simulate', '--at', '2099-06-01T12:00:00']) == 0  # not due yet: real time
    with db.session() as check:
        assert check.exec(select(OutboxEmail.status).where(OutboxEmail.subject == 'Email 0')).one() == 'pending'
