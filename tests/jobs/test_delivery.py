"""Outbox delivery against a real SMTP server in the test process: what arrives, and emails whose names or
addresses hold control characters."""

from datetime import timedelta
from email.message import EmailMessage

import pytest

from dashboard.config import Settings
from dashboard.domain.deletion.requests import request_deletion
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.mail.templates import render_email
from dashboard.domain.vendor import DEFAULT_VENDOR
from dashboard.jobs.delivery import deliver_outbox
from tests.factories import actor, make_organisation, make_user
from tests.jobs.conftest import T0, outbox, queue


def test_the_mail_arrives_with_its_recipients_subject_text_and_html(db, smtp_server) -> None:
    with db.session() as session:
        organisation = make_organisation(session, name='Kestrel & Co', serial_number='KES-0042')
        email = render_email('licences_requested', what='More licences', quantity=25, kind_label='Managed Agent',
                             account=organisation.name, serial=organisation.serial_number, requester='Bea Brown',
                             requester_email='bea@kestrel.example', message='For the <new> office',
                             vendor=DEFAULT_VENDOR)
        queue_email(session=session, to=['sales@vendor.example', 'backup@vendor.example'], subject=email.subject,
                    body_text=email.body_text, body_html=email.body_html, organisation_id=organisation.id)
        session.commit()

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 1

    [received] = smtp_server.received
    message = received.message
    assert received.mail_from == 'no-reply@247connect.example'
    assert received.recipients == ['sales@vendor.example', 'backup@vendor.example']
    assert message['From'] == '247connect <no-reply@247connect.example>'
    assert message['To'] == 'sales@vendor.example, backup@vendor.example'
    assert message['Subject'] == 'More licences requested: 25 Managed Agent licences for Kestrel & Co (KES-0042)'
    [row] = outbox(db)
    assert message['Message-ID'].startswith(f'<outbox.{row.id}.') and message['Message-ID'].endswith(
        '@247connect.example>')
    text = message.get_body(('plain',)).get_content()
    html = message.get_body(('html',)).get_content()
    assert 'Kestrel & Co, serial number KES-0042' in text and 'For the <new> office' in text
    assert 'Kestrel &amp; Co' in html and 'KES-0042' in html and 'For the &lt;new&gt; office' in html
    assert (row.status, row.attempts, row.last_error, row.sent_at) == ('sent', 0, None, T0)


def test_without_an_smtp_host_mail_stays_in_the_outbox(db) -> None:
    queue(db)

    assert deliver_outbox(db, now=T0, settings=Settings(smtp_host='')) == 0

    [row] = outbox(db)
    assert (row.status, row.attempts, row.claimed_by) == ('pending', 0, None)


def test_an_injected_sender_gets_the_composed_message(db) -> None:
    queue(db)
    sent: list[EmailMessage] = []

    assert deliver_outbox(db, now=T0, sender=sent.append, settings=Settings(smtp_host='')) == 1

    [message] = sent
    assert message['To'] == 'ops@customer.example'
    assert message.get_body(('plain',)).get_content().strip() == 'Text 0'


def test_a_subject_with_control_characters_is_sent_on_one_clean_line(db, smtp_server) -> None:
    """An email queued before names were checked, its subject holding CR, LF, NUL and U+2028, still goes out."""
    nul = '\x00' if db.is_sqlite else ''  # PostgreSQL itself refuses NUL in text: no such row can exist there
    with db.session() as session:
        queue_email(session=session, to='ops@customer.example', body_text='Text', body_html=None,
                    subject=f'Deletion: Evil\r\nBcc: x@evil.example{nul}\u2028Ltd')
        session.commit()

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 1

    [received] = smtp_server.received
    assert received.message['Subject'] == 'Deletion: Evil Bcc: x@evil.example Ltd'
    assert received.message['Bcc'] is None and received.recipients == ['ops@customer.example']


@pytest.mark.parametrize('address', ['ops\u2028@customer.example', 'ops\x00@customer.example',
                                     'ops\r@customer.example'])
def test_an_email_that_cannot_be_built_fails_at_once_with_the_reason_and_the_others_still_go(
        db, smtp_server, address: str) -> None:
    if '\x00' in address and not db.is_sqlite:
        pytest.skip('PostgreSQL itself refuses NUL in text: no such row can exist there')
    queue(db, to=address)
    queue(db, to='here@customer.example')

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 1

    unbuildable, delivered = outbox(db)
    assert (unbuildable.status, unbuildable.attempts) == ('failed', 1)
    assert unbuildable.last_error.startswith('CannotBeBuilt: the email cannot be built, so it is not retried: ')
    assert delivered.status == 'sent'
    assert [received.recipients for received in smtp_server.received] == [['here@customer.example']]
    assert deliver_outbox(db, now=T0 + timedelta(days=1), settings=smtp_server.settings()) == 0
    assert outbox(db)[0].attempts == 1  # never tried again


@pytest.mark.parametrize('char', ['\r', '\n', '\x00', '\u2028', '\x85'])
def test_an_organisation_imported_with_a_control_character_in_its_name_still_gets_every_deletion_email(
        db, smtp_server, char: str) -> None:
    """Rows stored before the import refused such names: the deletion emails (to support and to the contacts) go."""
    if char == '\x00' and not db.is_sqlite:
        pytest.skip('PostgreSQL itself refuses NUL in text: no such row can exist there')
    with db.session() as session:
        organisation = make_organisation(session, name=f'Evil{char}Ltd', serial_number='EVL-0001')
        admin = make_user(session, organisation, 'billing_admin', email='admin@evil.example')
        request_deletion(session=session, actor=actor(admin), organisation_id=organisation.id, vendor=DEFAULT_VENDOR)

    sent = deliver_outbox(db, now=T0, settings=smtp_server.settings())

    assert sent == len(outbox(db)) >= 2
    assert {row.status for row in outbox(db)} == {'sent'}
    subjects = [received.message['Subject'] for received in smtp_server.received]
    assert 'Account deletion requested: Evil Ltd (EVL-0001)' in subjects
    assert all('\n' not in subject and '\r' not in subject for subject in subjects)
