"""Outbox delivery when a worker dies or several run at once: every email goes out exactly once."""

import threading
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy.exc import OperationalError

from dashboard.jobs import outbox_claims
from dashboard.jobs.delivery import deliver_outbox
from dashboard.jobs.outbox_claims import LEASE, claim_next
from dashboard.jobs.smtp_sender import SmtpSender
from tests.jobs.conftest import T0, outbox, queue


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
