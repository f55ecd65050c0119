"""What a renewal reminder says: the account, the licences and the expiry."""

from datetime import date

from sqlmodel import Session

from dashboard.config import get_settings
from dashboard.domain.renewals.reminders import queue_renewal_reminders
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.renewals.reminders.conftest import NOW, TODAY, account, sent
from tests.factories import make_pool


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
