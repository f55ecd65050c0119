"""Renewal reminders and the sales digest: each queued once, to the right people, saying the right things."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert
from sqlmodel import Session, select

from dashboard.config import get_settings
from dashboard.domain.models import LicencePool, Organisation, OutboxEmail, User
from dashboard.domain.renewals import reminders
from dashboard.domain.renewals.reminders import due_stage, queue_renewal_reminders, queue_sales_digest
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.factories import make_deletion_request, make_organisation, make_pool, make_user

NOW = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)  # a Monday, ISO week 2027-W01
TODAY = NOW.date()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def at(n: int) -> datetime:
    """NOW, n days later."""
    return NOW + timedelta(days=n)


def sent(db, kind: str = 'renewal_reminder') -> list[OutboxEmail]:
    with db.session() as fresh:
        return list(fresh.exec(select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)).all())


def stages_sent(db) -> list[str]:
    return [email.dedupe_key.rsplit(':', 2)[1:] for email in sent(db)]  # type: ignore[union-attr]


def account(session: Session, **overrides) -> Organisation:
    """An organisation with a billing admin, who is its main contact."""
    organisation = make_organisation(session, **overrides)
    contact = make_user(session, organisation, 'billing_admin')
    organisation.main_contact_id = contact.id
    session.add(organisation)
    session.commit()
    return organisation


def test_each_stage_goes_out_once_on_its_day_however_often_the_job_runs(db, session: Session) -> None:
    make_organisation(session)  # so that the pool's id is not its organisation's
    pool = make_pool(session, account(session), expiry_date=days(95))

    queued = [queue_renewal_reminders(session=session, now=at(n) + timedelta(hours=hour), vendor=DEFAULT_VENDOR)
              for n in range(100) for hour in (0, 5)]

    assert sum(queued) == 4
    assert [n for n in range(100) if queued[2 * n]] == [5, 65, 88, 95]  # 90, 30 and 7 days before, and the day
    assert not any(queued[1::2])  # the second run of each day finds nothing new
    assert [email.dedupe_key for email in sent(db)] == [
        f'renewal-reminder:pool={pool.id}:expiry={days(95).isoformat()}:stage={stage}' for stage in (90, 30, 7, 0)]


def test_a_new_expiry_date_starts_over(db, session: Session) -> None:
    pool = make_pool(session, account(session), expiry_date=days(30))
    assert queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 1

    pool.expiry_date = days(60)  # renewed for a month
    session.add(pool)
    session.commit()
    assert queue_renewal_reminders(session=session, now=NOW,
                                   vendor=DEFAULT_VENDOR) == 0  # the new date's 90-day stage is long past
    assert queue_renewal_reminders(session=session, now=at(30), vendor=DEFAULT_VENDOR) == 1

    assert stages_sent(db) == [[f'expiry={days(30).isoformat()}', 'stage=30'],
                               [f'expiry={days(60).isoformat()}', 'stage=30']]


def test_the_main_contact_and_the_active_billing_users_get_it_once_each(db, session: Session) -> None:
    organisation = make_organisation(session)
    main = make_user(session, organisation, 'viewer', email='Main@example.com')
    make_user(session, organisation, 'global_admin', email='global@example.com')
    make_user(session, organisation, 'billing_admin', email='billing@example.com')
    make_user(session, organisation, 'billing_admin', email='gone@example.com', is_active=False)
    make_user(session, organisation, 'viewer', email='viewer@example.com')
    make_user(session, organisation, 'user', email='user@example.com')
    make_user(session, None, 'vendor_admin', email='vendor@example.com')
    other = make_organisation(session)
    make_user(session, other, 'billing_admin', email='other@example.com')
    organisation.main_contact_id = main.id
    session.add(organisation)
    session.commit()
    make_pool(session, organisation, expiry_date=days(7))

    assert queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 1

    [email] = sent(db)
    assert email.to_address == 'Main@example.com, global@example.com, billing@example.com'
    assert email.organisation_id == organisation.id


def test_a_main_contact_who_is_a_billing_user_is_written_to_once(db, session: Session) -> None:
    organisation = account(session)
    make_pool(session, organisation, expiry_date=days(0))

    queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)

    [email] = sent(db)
    assert email.to_address.count('@') == 1


def test_an_inactive_main_contact_gets_nothing(db, session: Session) -> None:
    organisation = make_organisation(session)
    main = make_user(session, organisation, 'viewer', is_active=False)
    admin = make_user(session, organisation, 'global_admin')
    organisation.main_contact_id = main.id
    session.add(organisation)
    session.commit()
    make_pool(session, organisation, expiry_date=days(30))

    queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)

    assert [email.to_address for email in sent(db)] == [admin.email]


def test_an_organisation_without_anyone_to_tell_is_skipped_until_it_has_someone(db, session: Session) -> None:
    organisation = make_organisation(session)
    make_user(session, organisation, 'viewer')
    make_pool(session, organisation, expiry_date=days(30))

    assert queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 0
    assert sent(db) == []

    admin = make_user(session, organisation, 'billing_admin')
    assert queue_renewal_reminders(session=session, now=at(1), vendor=DEFAULT_VENDOR) == 1  # the stage was not used up
    assert [email.to_address for email in sent(db)] == [admin.email]


def test_cancelled_deleted_and_leaving_organisations_get_nothing_but_a_withdrawn_request_does(db, session: Session
                                                                                             ) -> None:
    """A pending deletion request: the account asked to leave, so no reminder to renew; a withdrawn one stays."""
    make_pool(session, account(session, cancelled_at=NOW - timedelta(days=3)), expiry_date=days(30))
    completed = account(session)
    make_deletion_request(session, completed, status='completed')
    make_pool(session, completed, expiry_date=days(30))
    in_progress = account(session)
    make_deletion_request(session, in_progress, status='in_progress')
    make_pool(session, in_progress, expiry_date=days(30))
    pending = account(session)
    make_deletion_request(session, pending, status='pending')
    make_pool(session, pending, expiry_date=days(30))
    withdrawn = account(session)
    make_deletion_request(session, withdrawn, status='withdrawn')
    make_pool(session, withdrawn, expiry_date=days(30))

    assert queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 1
    assert [email.organisation_id for email in sent(db)] == [withdrawn.id]


@pytest.mark.parametrize(('days_left', 'stage'), [
    (91, None), (90, 90), (84, 90), (83, 90), (82, None), (31, None), (30, 30), (23, 30), (22, None), (8, None),
    (7, 7), (5, 7), (1, 7), (0, 0), (-1, None), (-30, None)])
def test_the_due_stage_is_the_most_urgent_one_reached_if_its_day_is_at_most_a_week_ago(days_left, stage) -> None:
    assert due_stage(days_left, [0, 7, 30, 90]) == stage


def test_a_run_after_missed_days_catches_up_the_most_urgent_stage_only(db, session: Session) -> None:
    organisation = account(session)
    catch_up = make_pool(session, organisation, 'managed_agent', expiry_date=days(5))  # missed the 7-day stage
    too_late = make_pool(session, organisation, 'on_demand', expiry_date=days(20))  # 30-day stage 10 days ago
    expired = make_pool(session, account(session), expiry_date=days(-1))  # missed its day

    assert queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 1  # 7 days before, 2 days late
    assert queue_renewal_reminders(session=session, now=at(1), vendor=DEFAULT_VENDOR) == 0
    # The job does not run for 12 days: the other pool's 30-day stage is long past, its 7-day stage 1 day late.
    assert queue_renewal_reminders(session=session, now=at(14), vendor=DEFAULT_VENDOR) == 1
    for n in range(15, 40):
        queue_renewal_reminders(session=session, now=at(n), vendor=DEFAULT_VENDOR)

    assert [email.dedupe_key for email in sent(db)] == [
        f'renewal-reminder:pool={catch_up.id}:expiry={days(5).isoformat()}:stage=7',
        f'renewal-reminder:pool={too_late.id}:expiry={days(20).isoformat()}:stage=7',
        f'renewal-reminder:pool={too_late.id}:expiry={days(20).isoformat()}:stage=0',
    ]  # the first pool expired on a day the job did not run: no reminder after the day
    assert all(f'pool={expired.id}:' not in email.dedupe_key for email in sent(db))  # type: ignore[operator]


def test_custom_stages(db, session: Session) -> None:
    make_pool(session, account(session), expiry_date=days(60))

    for n in range(70):
        queue_renewal_reminders(session=session, now=at(n), stages=(60, 14), vendor=DEFAULT_VENDOR)

    assert stages_sent(db) == [[f'expiry={days(60).isoformat()}', 'stage=60'],
                               [f'expiry={days(60).isoformat()}', 'stage=14']]
    with pytest.raises(ValueError, match='0 or more'):
        queue_renewal_reminders(session=session, now=NOW, stages=(30, -1), vendor=DEFAULT_VENDOR)


def test_the_reminder_names_the_account_the_licences_and_the_expiry(db, session: Session) -> None:
    organisation = account(session, name='Acme <Remote> & Sons', serial_number='NS-4471-X')
    make_pool(session, organisation, 'on_demand', total=1200, in_use=850, expiry_date=date(2027, 2, 3))

    queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)  # 30 days before

    [email] = sent(db)
    assert email.subject == 'On-demand licences for Acme <Remote> & Sons (NS-4471-X) expire in 30 days, on 3 Feb 2027'
    for expected in ('Acme <Remote> & Sons', 'NS-4471-X', 'On-demand', '3 Feb 2027', '1,200 in total, 850 in use',
                     'Days left:      30', get_settings().vendor_sales_email):
        assert expected in email.body_text
    html = email.body_html or ''
    for expected in ('Acme &lt;Remote&gt; &amp; Sons', 'NS-4471-X', 'On-demand', '3 Feb 2027', '1,200 in total',
                     f'mailto:{get_settings().vendor_sales_email}'):
        assert expected in html
    assert '<Remote>' not in html


def test_on_the_day_it_says_today(db, session: Session) -> None:
    make_pool(session, account(session, name='Acme', serial_number='SN-4471'), expiry_date=TODAY)

    queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)

    [email] = sent(db)
    assert email.subject == 'Managed Agent licences for Acme (SN-4471) expire today'
    assert 'expires today' in email.body_text and 'expires today' in (email.body_html or '')


def test_the_digest_goes_out_once_a_week_on_its_day_or_the_first_run_after(db, session: Session) -> None:
    monday = [queue_sales_digest(session=session, now=at(n), vendor=DEFAULT_VENDOR) for n in range(14)]
    assert monday == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert [email.dedupe_key for email in sent(db, 'sales_digest')] == ['sales-digest:week=2027-W01',
                                                                      'sales-digest:week=2027-W02']

    # Wednesday's digest; the job does not run on Wednesday 20 Jan, so Thursday's run sends it.
    wednesday = [queue_sales_digest(session=session, now=at(n), weekday=2,
                                    vendor=DEFAULT_VENDOR) for n in (14, 15, 17, 18, 19, 20)]
    assert wednesday == [0, 0, 1, 0, 0, 0]
    assert [email.to_address for email in sent(db, 'sales_digest')] == [get_settings().vendor_sales_email] * 3


def test_the_digest_counts_and_lists_the_next_30_days_soonest_first(db, session: Session) -> None:
    eu = account(session, name='Alpha', serial_number='A-1', region='eu')
    us = account(session, name='Bravo <US>', serial_number='B-2', region='us')
    uk = account(session, name='Charlie', serial_number='C-3', region='uk')
    make_pool(session, eu, 'managed_agent', total=100, in_use=45, expiry_date=days(12))
    make_pool(session, eu, 'on_demand', total=10, in_use=10, expiry_date=days(30))
    make_pool(session, us, 'managed_agent', total=40, in_use=1, expiry_date=TODAY)
    make_pool(session, uk, 'on_demand', total=5, in_use=2, expiry_date=days(31))  # outside
    make_pool(session, account(session, region='uk'), expiry_date=days(-1))  # expired
    make_pool(session, account(session, cancelled_at=NOW), expiry_date=days(3))  # cancelled

    assert queue_sales_digest(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 1

    [email] = sent(db, 'sales_digest')
    assert email.subject == 'Renewals digest 2027-W01: 3 renewals in the next 30 days'
    text = email.body_text
    assert '3 licence pools of 2 accounts expire from 4 Jan 2027 to 3 Feb 2027.' in text
    assert 'Managed Agent         2 renewals        140 licences' in text
    assert 'On-demand             1 renewal          10 licences' in text
    assert 'EU/EEA (Germany West Central)          2  Managed Agent: 1  On-demand: 1' in text
    assert 'United States (US East)                1  Managed Agent: 1  On-demand: 0' in text
    assert 'United Kingdom (UK South)              0' in text
    rows = text.split('Soonest first:\n')[1].splitlines()
    assert rows == ['  4 Jan 2027 (today)  Bravo <US> (B-2)  Managed Agent  1 / 40 in use, 3 %',
                    '  16 Jan 2027 (in 12 days)  Alpha (A-1)  Managed Agent  45 / 100 in use, 45 %',
                    '  3 Feb 2027 (in 30 days)  Alpha (A-1)  On-demand  10 / 10 in use, 100 %']
    html = email.body_html or ''
    assert 'Bravo &lt;US&gt;' in html and 'Bravo <US>' not in html
    table = html.split('Utilisation</th>')[1]
    assert table.index('Bravo') < table.index('16 Jan 2027') < table.index('3 Feb 2027')
    us = html.split('United States (US East)</td>')[1].split('</tr>')[0]
    assert re.findall(r'>([\d,]+)</td>', us) == ['1', '0', '1']  # Managed Agent, On-demand, all
    assert 'Charlie' not in text and 'Charlie' not in html


def test_a_long_digest_is_capped(db, session: Session, monkeypatch) -> None:
    monkeypatch.setattr(reminders, 'DIGEST_ROWS', 2)
    for n in range(5):
        make_pool(session, account(session, name=f'Account {n}'), expiry_date=days(n))

    queue_sales_digest(session=session, now=NOW, vendor=DEFAULT_VENDOR)

    [email] = sent(db, 'sales_digest')
    assert 'Account 0' in email.body_text and 'Account 1' in email.body_text and 'Account 2' not in email.body_text
    assert '... and 3 more' in email.body_text and '… and 3 more' in (email.body_html or '')


def test_a_quiet_week_gets_an_all_quiet_digest(db, session: Session) -> None:
    make_pool(session, account(session), expiry_date=days(45))

    assert queue_sales_digest(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 1

    [email] = sent(db, 'sales_digest')
    assert email.subject == 'Renewals digest 2027-W01: no renewals in the next 30 days'
    assert 'All quiet' in email.body_text and 'All quiet' in (email.body_html or '')


def test_the_job_is_a_few_statements_however_many_pools(db, session: Session) -> None:
    """3,000 accounts, one pool each, expiring over the next 120 days: a first run reads in a few statements and
    inserts one row per reminder; a second run reads in a few statements and inserts nothing."""
    accounts = 3000
    bulk_accounts(session, accounts, lambda n: days(n % 120))
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_) -> None:
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(db.engine, 'before_cursor_execute', record)
    try:
        first = queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)
        first_run = list(statements)
        statements.clear()
        second = queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)
        second_run = list(statements)
    finally:
        event.remove(db.engine, 'before_cursor_execute', record)

    assert first == 24 * accounts // 120  # 24 of the 120 days have a stage due: days 0-7, 23-30 and 83-90
    assert first_run.count('INSERT') == first
    assert len(first_run) - first <= 4  # the due pools, the keys already used, the recipients
    assert second == 0 and len(second_run) <= 3  # the due pools, the keys already used


def test_a_full_digest_lists_200_renewals_and_stays_small_enough_not_to_be_clipped(db, session: Session) -> None:
    bulk_accounts(session, 250, lambda n: days(n % 31))

    queue_sales_digest(session=session, now=NOW, vendor=DEFAULT_VENDOR)

    [email] = sent(db, 'sales_digest')
    assert len(email.body_text.split('Soonest first:\n')[1].splitlines()) == 201  # 200 rows and 'and 50 more'
    assert '... and 50 more' in email.body_text
    html = email.body_html or ''
    assert html.split('Utilisation</th>')[1].count('<tr') == 200
    assert len(html.encode()) < 102_000  # Gmail clips a longer one


def bulk_accounts(session: Session, count: int, expiry: Callable[[int], date]) -> None:
    """`count` accounts, each with a billing admin and a Managed Agent pool expiring on `expiry(n)`, in three
    statements rather than thousands."""
    session.execute(insert(Organisation), [
        {'id': n, 'serial_number': f'P-{n}', 'name': f'Perf {n}', 'plan': 'paid', 'region': 'eu',
         'subscription_end': days(200), 'created_at': NOW} for n in range(1, count + 1)])
    session.execute(insert(User), [
        {'id': n, 'organisation_id': n, 'full_name': f'Admin {n}', 'email': f'admin{n}@example.com',
         'email_key': f'admin{n}@example.com', 'role': 'billing_admin', 'is_active': True, 'created_at': NOW}
        for n in range(1, count + 1)])
    session.execute(insert(LicencePool), [
        {'organisation_id': n, 'kind': 'managed_agent', 'total': 10, 'in_use': 5, 'expiry_date': expiry(n)}
        for n in range(1, count + 1)])
    session.commit()
