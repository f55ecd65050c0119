"""Outbox delivery when the SMTP server is down or answers with an error: nothing lost, nothing charged twice."""

import smtplib
from datetime import timedelta
from email.message import EmailMessage

import pytest

from dashboard.jobs.delivery import deliver_outbox
from tests.jobs.conftest import T0, outbox, queue


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


def test_recipients_refused_in_part_are_recorded_on_the_sent_email(db, smtp_server) -> None:
    smtp_server.refuse = {'gone@customer.example'}
    queue(db, to=['here@customer.example', 'gone@customer.example'])

    assert deliver_outbox(db, now=T0, settings=smtp_server.settings()) == 1

    assert [received.recipients for received in smtp_server.received] == [['here@customer.example']]
    [row] = outbox(db)
    assert (row.status, row.attempts) == ('sent', 0)
    assert row.last_error == 'Refused by the server: gone@customer.example (550 5.1.1 No such mailbox)'
