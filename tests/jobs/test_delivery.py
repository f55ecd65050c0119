"""Outbox delivery against a real SMTP server in the test process (aiosmtpd on a free loopback port)."""

import smtplib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from dashboard.config import Settings
from dashboard.domain.deletion.requests import request_deletion
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.mail.templates import render_email
from dashboard.domain.models import OutboxEmail
from dashboard.domain.vendor import DEFAULT_VENDOR
from dashboard.jobs import outbox_claims
from dashboard.jobs.delivery import deliver_outbox
from dashboard.jobs.outbox_claims import LEASE, claim_next
from dashboard.jobs.smtp_sender import SmtpSender
from tests.factories import actor, make_organisation, make_user

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    """A mail server that keeps what it is given; `refuse` lists addresses it answers with 550."""

    port: int
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    mail_reply: str | None = None
    """When set, the answer to every MAIL FROM; `rcpt_reply` to every RCPT TO; `data_reply` to every DATA."""
    rcpt_reply: str | None = None
    data_reply: str | None = None
    data_replies: list[str] = field(default_factory=list)
    """Answers to the next DATA commands, one each, before any are accepted."""
    controller: Controller | None = None

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802 - aiosmtpd's name
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return '250 OK'

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        if address in self.refuse:
            return '550 5.1.1 No such mailbox'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_reply:
            return self.data_reply
        if self.data_replies:
            return self.data_replies.pop(0)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      message_from_bytes(envelope.original_content, policy=policy.default)))
        return '250 OK'

    def start(self) -> None:
        self.controller = Controller(self, hostname='127.0.0.1', port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, **overrides) -> Settings:
        values = {'smtp_host': '127.0.0.1', 'smtp_port': self.port, 'smtp_starttls': False, 'smtp_timeout': 5,
                  'mail_from': '247connect <no-reply@247connect.example>', 'outbox_max_attempts': 10}
        return Settings(**{**values, **overrides})

    def message_ids(self) -> list[str]:
        return [received.message['Message-ID'] for received in self.received]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Running; `stop()` and `start()` take it down and up again on the same port."""
    server = SmtpServer(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """Nothing listens on its port until the test calls `start()`."""
    server = SmtpServer(port=free_port())
    yield server
    server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def queue(db, count: int = 1, to: str | list[str] = 'ops@customer.example') -> list[int]:
    with db.session() as session:
        for n in range(count):
            queue_email(session=session, to=to, subject=f'Email {n}', body_text=f'Text {n}',
                        body_html=f'<p>HTML {n}</p>')
        session.commit()
        return list(session.exec(select(OutboxEmail.id).order_by(OutboxEmail.id)).all())


def outbox(db) -> list[OutboxEmail]:
    with db.session() as session:
        return list(session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all())


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


def test_smtp_down_then_up_nothing_lost_nothing_doubled_and_nothing_charged(db, smtp_down) -> None:
    queue(db, 3)
    settings = smtp_down.settings()

    assert deliver_outbox(db, now=T0, settings=settings) == 0  # nothing listens: one try, then the run stops

    first, *others = outbox(db)
    assert (first.status, first.attempts, first.claimed_by, first.claimed_until) == ('pending', 0, None, None)
    assert first.next_attempt_at <= T0  # due again at the next run
    assert 'mail server is unavailable' in first.last_error and 'cannot use the mail server' in first.last_error
    assert [(row.status, row.attempts, row.last_error) for row in others] == [('pending', 0, None)] * 2

    smtp_down.start()
    assert deliver_outbox(db, now=T0 + timedelta(minutes=10), settings=settings) == 3
    assert deliver_outbox(db, now=T0 + timedelta(hours=1), settings=settings) == 0

    assert sorted(received.message['Subject'] for received in smtp_down.received) == ['Email 0', 'Email 1', 'Email 2']
    assert [(row.status, row.attempts) for row in outbox(db)] == [('sent', 0)] * 3


def test_a_nine_hour_outage_loses_nothing_every_email_goes_out_once_it_is_back(db, smtp_down) -> None:
    ids = queue(db, 5)
    settings = smtp_down.settings()  # OUTBOX_MAX_ATTEMPTS 10: an outage must not use them up
    now = T0
    while now < T0 + timedelta(hours=9):  # the jobs run every 10 minutes; nothing listens
        assert deliver_outbox(db, now=now, settings=settings) == 0
        now += timedelta(minutes=10)

    rows = outbox(db)
    assert [(row.status, row.attempts) for row in rows] == [('pending', 0)] * 5
    assert 'mail server is unavailable' in rows[0].last_error

    smtp_down.start()
    assert deliver_outbox(db, now=now, settings=settings) == 5
    assert deliver_outbox(db, now=now + timedelta(minutes=10), settings=settings) == 0

    sent_ids = smtp_down.message_ids()
    assert len(sent_ids) == len(set(sent_ids)) == 5
    assert {message_id.split('.')[1] for message_id in sent_ids} == {str(id_) for id_ in ids}
    assert {row.status for row in outbox(db)} == {'sent'}


@pytest.mark.parametrize('reply', ['mail', 'rcpt', 'data'])
def test_a_421_service_not_available_charges_no_email_and_stops_the_run(db, smtp_server, reply: str) -> None:
    queue(db, 3)
    setattr(smtp_server, f'{reply}_reply', '421 4.3.2 Service not available, try later')

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 0

    rows = outbox(db)
    assert [(row.status, row.attempts, row.claimed_by) for row in rows] == [('pending', 0, None)] * 3
    assert '421' in rows[0].last_error and 'mail server is unavailable' in rows[0].last_error
    assert [row.last_error for row in rows[1:]] == [None, None]  # the run stopped at the first

    setattr(smtp_server, f'{reply}_reply', None)
    assert deliver_outbox(db, now=T0 + timedelta(minutes=10), settings=smtp_server.settings()) == 3
    assert len(smtp_server.received) == 3


def test_a_refused_sender_a_wrong_mail_from_charges_no_email(db, smtp_server) -> None:
    queue(db, 3)
    smtp_server.mail_reply = '550 5.7.1 Sender address rejected: not owned by you'

    for minutes in range(0, 24 * 60, 10):  # a day of runs with the wrong MAIL_FROM
        assert deliver_outbox(db, now=T0 + timedelta(minutes=minutes), settings=smtp_server.settings()) == 0

    rows = outbox(db)
    assert [(row.status, row.attempts) for row in rows] == [('pending', 0)] * 3
    assert 'refused the sender no-reply@247connect.example: 550' in rows[0].last_error

    smtp_server.mail_reply = None  # MAIL_FROM put right
    assert deliver_outbox(db, now=T0 + timedelta(days=1), settings=smtp_server.settings()) == 3


def test_the_wait_doubles_after_each_failure_and_it_gives_up_after_the_maximum(db, smtp_server) -> None:
    queue(db)
    settings = smtp_server.settings(outbox_max_attempts=4)

    def this_message_fails(message: EmailMessage) -> None:
        raise smtplib.SMTPDataError(451, b'4.3.0 Message could not be queued')

    now, waits = T0, []
    for _ in range(4):
        deliver_outbox(db, now=now, settings=settings, sender=this_message_fails)
        [row] = outbox(db)
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at

    [row] = outbox(db)
    assert (row.status, row.attempts) == ('failed', 4)
    assert 'SMTPDataError' in row.last_error
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert deliver_outbox(db, now=now + timedelta(days=30), settings=settings) == 0
    assert smtp_server.received == []


def test_a_message_too_big_fails_at_once(db, smtp_server) -> None:
    queue(db, 2)
    smtp_server.data_replies = ['552 5.3.4 Message size exceeds fixed limit']

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 1

    too_big, delivered = outbox(db)
    assert (too_big.status, too_big.attempts) == ('failed', 1)
    assert '552' in too_big.last_error
    assert delivered.status == 'sent'


def test_a_refused_recipient_fails_at_once_and_the_others_still_go(db, smtp_server) -> None:
    smtp_server.refuse = {'gone@customer.example'}
    queue(db, to='gone@customer.example')
    queue(db, to='here@customer.example')

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 1

    refused, delivered = outbox(db)
    assert (refused.status, refused.attempts) == ('failed', 1)
    assert 'gone@customer.example (550' in refused.last_error
    assert delivered.status == 'sent'
    assert [received.recipients for received in smtp_server.received] == [['here@customer.example']]


def test_a_worker_killed_between_claim_and_send_its_mail_goes_out_once(db, smtp_server) -> None:
    queue(db)
    settings = smtp_server.settings()
    with db.session() as session:
        claimed = claim_next(session=session, worker='killed-worker', now=T0)  # ... and then it died
    assert claimed is not None

    assert deliver_outbox(db, now=T0 + LEASE - timedelta(seconds=1), settings=settings) == 0  # still its lease
    assert deliver_outbox(db, now=T0 + LEASE + timedelta(seconds=1), settings=settings) == 1
    assert deliver_outbox(db, now=T0 + LEASE * 3, settings=settings) == 0

    assert len(smtp_server.received) == 1
    [row] = outbox(db)
    assert row.status == 'sent' and row.claimed_by != 'killed-worker'
    assert row.attempts == 1 and 'stopped before it was marked sent' in row.last_error  # the Outbox page says so


class Crash(BaseException):
    """The process dying: no `except Exception` catches it."""


def test_the_one_window_a_crash_after_the_server_accepted_resends_with_the_same_message_id(db, smtp_server) -> None:
    queue(db)
    settings = smtp_server.settings()

    real = SmtpSender(settings)

    def accepted_then_crashed(message: EmailMessage) -> None:
        real(message)
        real.close()
        raise Crash

    with pytest.raises(Crash):
        deliver_outbox(db, now=T0, settings=settings, sender=accepted_then_crashed)
    assert outbox(db)[0].status == 'sending'
    assert deliver_outbox(db, now=T0 + LEASE + timedelta(seconds=1), settings=settings) == 1

    first, second = smtp_server.message_ids()
    assert first == second  # a receiving server or reader can recognise the second as the same email


@pytest.mark.parametrize('workers', [2, 6])
def test_workers_at_the_same_time_send_every_email_exactly_once(db, smtp_server, workers: int) -> None:
    ids = queue(db, 60)
    settings = smtp_server.settings()
    start = threading.Barrier(workers)
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            counts.append(deliver_outbox(db, now=T0, settings=settings, limit=100))
        except BaseException as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(counts) == len(ids)
    sent_ids = smtp_server.message_ids()
    assert len(sent_ids) == len(set(sent_ids)) == len(ids)
    assert {message_id.split('.')[1] for message_id in sent_ids} == {str(id_) for id_ in ids}
    assert {row.status for row in outbox(db)} == {'sent'}


def test_an_injected_sender_gets_the_composed_message(db) -> None:
    queue(db)
    sent: list[EmailMessage] = []

    assert deliver_outbox(db, now=T0, sender=sent.append, settings=Settings(smtp_host='')) == 1

    [message] = sent
    assert message['To'] == 'ops@customer.example'
    assert message.get_body(('plain',)).get_content().strip() == 'Text 0'


def test_marking_sent_fails_once_the_email_is_sent_once_marked_sent_and_the_run_goes_on(db, smtp_server,
                                                                                         monkeypatch) -> None:
    queue(db, 3)
    real, calls = outbox_claims._update_sent, []

    def database_busy_once(db, email, **kwargs):
        calls.append(email.id)
        if len(calls) == 1:
            raise OperationalError('UPDATE outbox_email', {}, Exception('database is locked'))
        return real(db, email, **kwargs)

    monkeypatch.setattr(outbox_claims, '_update_sent', database_busy_once)
    monkeypatch.setattr(outbox_claims, 'MARK_SENT_WAITS', (0, 0, 0))

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 3
    assert deliver_outbox(db, now=T0 + LEASE * 3, settings=smtp_server.settings()) == 0

    assert len(smtp_server.received) == len(set(smtp_server.message_ids())) == 3
    assert [(row.status, row.attempts, row.sent_at) for row in outbox(db)] == [('sent', 0, T0)] * 3


def test_marking_sent_never_succeeds_it_is_logged_and_the_next_emails_still_go(db, smtp_server, monkeypatch,
                                                                               caplog) -> None:
    ids = queue(db, 2)
    real = outbox_claims._update_sent

    def first_email_never_marked(db, email, **kwargs):
        if email.id == ids[0]:
            raise OperationalError('UPDATE outbox_email', {}, Exception('server closed the connection'))
        return real(db, email, **kwargs)

    monkeypatch.setattr(outbox_claims, '_update_sent', first_email_never_marked)
    monkeypatch.setattr(outbox_claims, 'MARK_SENT_WAITS', (0, 0))

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 2

    assert [row.status for row in outbox(db)] == ['sending', 'sent']
    assert f'Outbox email {ids[0]} was SENT but could not be marked sent after 3 tries' in caplog.text


def test_recipients_refused_in_part_are_recorded_on_the_sent_email(db, smtp_server) -> None:
    smtp_server.refuse = {'gone@customer.example'}
    queue(db, to=['here@customer.example', 'gone@customer.example'])

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 1

    assert [received.recipients for received in smtp_server.received] == [['here@customer.example']]
    [row] = outbox(db)
    assert (row.status, row.attempts) == ('sent', 0)
    assert row.last_error == 'Refused by the server: gone@customer.example (550 5.1.1 No such mailbox)'


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
