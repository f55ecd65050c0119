"""Renewal reminder stages: each queued once on its day, starting over for a new expiry, catching up missed days."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from dashboard.domain.renewals.reminders import due_stage, queue_renewal_reminders
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.renewals.reminders.conftest import NOW, account, at, days, sent, stages_sent
from tests.factories import make_organisation, make_pool


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
