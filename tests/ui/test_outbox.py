"""The back office's Outbox page: every email, newest first, readable; for vendor staff only."""

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import text

from dashboard.config import get_settings
from dashboard.domain.mail.outbox import queue_email
from dashboard.jobs.delivery import deliver_outbox
from tests.ui.conftest import log_in

CSP = ('<meta http-equiv="Content-Security-Policy" '
       """content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">""")
NOT_SENDING = 'Mail is not being sent: no SMTP server is configured; emails stay here.'


def queue(db, subject: str, html: str | None = '<p>Hello</p>', to: str = 'ops@customer.example') -> None:
    with db.session() as session:
        queue_email(session=session, to=to, subject=subject, body_text=f'{subject}\n\nThe text body.', body_html=html,
                    kind='licences_requested')
        session.commit()


def shown_rows(user: User) -> list[dict]:
    table = user.find(marker='outbox').elements.pop()
    assert isinstance(table, ui.table)
    return table.rows


async def test_vendor_staff_see_the_outbox_newest_first_and_are_told_mail_is_not_sent(user: User, vendor, db,
                                                                                        monkeypatch) -> None:
    monkeypatch.setenv('SMTP_HOST', '')
    get_settings.cache_clear()
    queue(db, 'Older email')
    queue(db, 'Newer email', to='sales@vendor.example')
    await log_in(user, vendor.sales)

    await user.open('/vendor/outbox')

    await user.should_see(NOT_SENDING)
    rows = shown_rows(user)
    assert [(row['subject'], row['to'], row['status'], row['kind'], row['attempts']) for row in rows] == [
        ('Newer email', 'sales@vendor.example', 'pending', 'licences requested', 0),
        ('Older email', 'ops@customer.example', 'pending', 'licences requested', 0)]
    assert rows[0]['created'].endswith('UTC')


async def test_a_row_opens_the_email_with_its_text_and_its_html_sandboxed(user: User, vendor, db) -> None:
    queue(db, 'Renewal reminder', html='<p>Renew <b>now</b></p><script>alert(1)</script>')
    await log_in(user, vendor.admin)
    await user.open('/vendor/outbox')

    user.find(marker='outbox').trigger('rowClick', [{}, shown_rows(user)[0], 0])

    await user.should_see('The text body.')
    frame = user.find(marker='html').elements.pop()
    assert frame.tag == 'iframe'
    assert frame.props['sandbox'] == ''  # no script in the email runs, and it cannot reach the page
    assert frame.props['srcdoc'] == CSP + '<p>Renew <b>now</b></p><script>alert(1)</script>'


async def test_the_html_frame_loads_nothing_remote(user: User, vendor, db) -> None:
    queue(db, 'Tracked', html='<p>Hi</p><img src="http://tracker.example/pixel.gif">')
    await log_in(user, vendor.sales)
    await user.open('/vendor/outbox')

    user.find(marker='outbox').trigger('rowClick', [{}, shown_rows(user)[0], 0])

    await user.should_see('The text body.')
    srcdoc = user.find(marker='html').elements.pop().props['srcdoc']
    assert srcdoc.startswith(CSP)  # before anything of the email, so it governs all of it
    assert srcdoc.endswith('<img src="http://tracker.example/pixel.gif">')


async def test_the_status_filter_narrows_the_list(user: User, vendor, db) -> None:
    queue(db, 'Still waiting')
    queue(db, 'Gave up')
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE outbox_email SET status = 'failed', attempts = 10, "
                                "last_error = 'SMTPRecipientsRefused: gone' WHERE subject = 'Gave up'"))
    await log_in(user, vendor.sales)

    await user.open('/vendor/outbox?status=failed')

    assert [(row['subject'], row['error']) for row in shown_rows(user)] == [
        ('Gave up', 'SMTPRecipientsRefused: gone')]


async def test_the_banner_is_gone_once_an_smtp_server_is_set(user: User, vendor, db, monkeypatch) -> None:
    monkeypatch.setenv('SMTP_HOST', 'smtp.vendor.example')
    get_settings.cache_clear()
    await log_in(user, vendor.sales)

    await user.open('/vendor/outbox')

    await user.should_see('Outbox')
    await user.should_not_see(NOT_SENDING)


async def test_customers_are_refused_the_outbox(user: User, acme, db) -> None:
    queue(db, 'Secret subject')
    await log_in(user, acme.emails['global_admin'])

    await user.open('/vendor/outbox')

    await user.should_see('This page is for the vendor\'s staff')
    await user.should_not_see('Secret subject')
    await user.should_not_see('Outbox')


async def test_a_sent_email_shows_the_recipients_the_server_refused(user: User, vendor, db) -> None:
    queue(db, 'Partly delivered', to='here@customer.example, gone@customer.example')
    refused = 'Refused by the server: gone@customer.example (550 5.1.1 No such mailbox)'
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE outbox_email SET status = 'sent', sent_at = created_at, last_error = :note"),
                           {'note': refused})
    await log_in(user, vendor.sales)
    await user.open('/vendor/outbox?status=sent')

    assert [(row['subject'], row['status'], row['error']) for row in shown_rows(user)] == [
        ('Partly delivered', 'sent', refused)]
    user.find(marker='outbox').trigger('rowClick', [{}, shown_rows(user)[0], 0])
    await user.should_see(f'Last error: {refused}')


def fail(db, subject: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE outbox_email SET status = 'failed', attempts = 10, last_error = "
                                "'SMTPDataError: try later' WHERE subject = :subject"), {'subject': subject})


def status_of(db, subject: str) -> tuple:
    with db.engine.begin() as connection:
        return tuple(connection.execute(text('SELECT status, attempts FROM outbox_email WHERE subject = :subject'),
                                        {'subject': subject}).one())


async def test_the_admin_team_retries_a_failed_email_from_its_dialog(user: User, vendor, db) -> None:
    queue(db, 'Gave up')
    fail(db, 'Gave up')
    await log_in(user, vendor.admin)
    await user.open('/vendor/outbox')

    user.find(marker='outbox').trigger('rowClick', [{}, shown_rows(user)[0], 0])
    await user.should_see('Last error: SMTPDataError: try later')
    user.find(marker='retry').click()

    await user.should_see('The email is back in the queue')
    assert status_of(db, 'Gave up') == ('pending', 0)
    assert [(row['subject'], row['status'], row['attempts']) for row in shown_rows(user)] == [('Gave up', 'pending', 0)]


@pytest.mark.parametrize('subject', ['Waiting', 'Purged'])
async def test_no_retry_for_an_email_not_failed_or_for_a_purged_one(user: User, vendor, db, subject: str) -> None:
    queue(db, subject, to='removed@invalid' if subject == 'Purged' else 'ops@customer.example')
    if subject == 'Purged':
        fail(db, subject)
    await log_in(user, vendor.admin)
    await user.open('/vendor/outbox')

    user.find(marker='outbox').trigger('rowClick', [{}, shown_rows(user)[0], 0])

    await user.should_see('The text body.')
    await user.should_not_see(marker='retry')


async def test_no_retry_for_sales(user: User, vendor, db) -> None:
    queue(db, 'Gave up')
    fail(db, 'Gave up')
    await log_in(user, vendor.sales)
    await user.open('/vendor/outbox')

    user.find(marker='outbox').trigger('rowClick', [{}, shown_rows(user)[0], 0])

    await user.should_see('Last error: SMTPDataError: try later')
    await user.should_not_see(marker='retry')
    assert status_of(db, 'Gave up') == ('failed', 10)


async def test_an_email_that_cannot_be_built_shows_as_failed_with_its_reason(user: User, vendor, db) -> None:
    """An address stored before the import refused U+2028: the email fails at once, and the page says why."""
    queue(db, 'Deletion requested: Evil Ltd', to='ops\u2028@evil.example')
    queue(db, 'Renewal reminder', to='ops@customer.example')
    sent: list = []
    deliver_outbox(db, sender=sent.append)
    await log_in(user, vendor.admin)

    await user.open('/vendor/outbox')

    rows = {row['subject']: row for row in shown_rows(user)}
    assert (rows['Deletion requested: Evil Ltd']['status'], rows['Renewal reminder']['status']) == ('failed', 'sent')
    assert rows['Deletion requested: Evil Ltd']['error'].startswith(
        'CannotBeBuilt: the email cannot be built, so it is not retried: ValueError: the address has the character '
        'U+2028 (LINE SEPARATOR)')
    user.find(marker='outbox').trigger('rowClick', [{}, rows['Deletion requested: Evil Ltd'], 0])
    await user.should_see('Last error: CannotBeBuilt: the email cannot be built, so it is not retried')
    assert len(sent) == 1
