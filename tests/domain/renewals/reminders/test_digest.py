"""The weekly sales digest: when it goes out and what it lists."""

import re

from sqlmodel import Session

from dashboard.config import get_settings
from dashboard.domain.renewals import reminders
from dashboard.domain.renewals.reminders import queue_sales_digest
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.renewals.reminders.conftest import NOW, TODAY, account, at, days, sent
from tests.factories import make_pool


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
