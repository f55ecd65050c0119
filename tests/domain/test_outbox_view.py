"""The outbox as the vendor's staff read it: paged by the database, newest first, and only for them."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, select

from dashboard.domain import clock
from dashboard.domain.errors import InvalidInput, NotFound, PermissionDenied
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.mail.outbox_view import list_outbox, outbox_bodies, retry_failed_email
from dashboard.domain.models import OutboxEmail
from tests.factories import actor, make_organisation, make_user


def test_pages_newest_first_with_the_count_of_all_that_match(session: Session) -> None:
    sales = actor(make_user(session, None, 'sales'))
    for n in range(12):
        queue_email(session=session, to='a@example.com', subject=f'Email {n}', body_text='T')
    session.commit()

    rows, count = list_outbox(session=session, actor=sales, page=2, page_size=10)

    assert count == 12
    assert [row.subject for row in rows] == ['Email 1', 'Email 0']
    assert list_outbox(session=session, actor=sales, status='sent') == ([], 0)


def test_the_bodies_of_one_email(session: Session) -> None:
    sales = actor(make_user(session, None, 'sales'))
    queue_email(session=session, to='a@example.com', subject='S', body_text='Text', body_html='<p>HTML</p>')
    session.commit()
    [row], _count = list_outbox(session=session, actor=sales)

    bodies = outbox_bodies(session=session, actor=sales, email_id=row.id)

    assert (bodies.subject, bodies.body_text, bodies.body_html) == ('S', 'Text', '<p>HTML</p>')
    with pytest.raises(NotFound, match='There is no email 999999 in the outbox.'):
        outbox_bodies(session=session, actor=sales, email_id=999999)


def test_customers_are_refused_even_their_own_organisations_mail(session: Session) -> None:
    organisation = make_organisation(session)
    admin = actor(make_user(session, organisation, 'global_admin'))
    queue_email(session=session, to=admin.email, subject='S', body_text='T', organisation_id=organisation.id)
    session.commit()

    with pytest.raises(PermissionDenied):
        list_outbox(session=session, actor=admin)
    with pytest.raises(PermissionDenied):
        outbox_bodies(session=session, actor=admin, email_id=1)


@pytest.mark.parametrize('change', ['deactivated', 'demoted to a customer'])
def test_a_vendor_user_changed_since_the_page_opened_reads_no_more_mail(session: Session, change: str) -> None:
    user = make_user(session, None, 'sales')
    sales = actor(user)  # the open page acts for this
    queue_email(session=session, to='a@example.com', subject='S', body_text='T')
    session.commit()
    [row], _count = list_outbox(session=session, actor=sales)
    if change == 'deactivated':
        user.is_active = False
    else:
        user.organisation_id, user.role = make_organisation(session).id, 'global_admin'
    session.add(user)
    session.commit()

    with pytest.raises(PermissionDenied, match='Your account has changed'):
        list_outbox(session=session, actor=sales)
    with pytest.raises(PermissionDenied, match='Your account has changed'):
        outbox_bodies(session=session, actor=sales, email_id=row.id)


def failed_email(session: Session, to: str = 'ops@customer.example', status: str = 'failed') -> OutboxEmail:
    queue_email(session=session, to=to, subject='S', body_text='T')
    session.commit()
    email = session.exec(select(OutboxEmail).order_by(col(OutboxEmail.id).desc())).first()
    email.status, email.attempts, email.last_error = status, 10, 'SMTPDataError: (451, b\'try later\')'
    email.next_attempt_at = datetime(2027, 1, 1, tzinfo=UTC)
    session.add(email)
    session.commit()
    return email


def test_the_admin_team_retries_a_failed_email_due_now_with_its_attempts_again(session: Session,
                                                                                monkeypatch) -> None:
    admin = actor(make_user(session, None, 'vendor_admin'))
    email = failed_email(session)
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, 'now', lambda: now)

    retry_failed_email(session=session, actor=admin, email_id=email.id)

    session.expire_all()
    retried = session.get(OutboxEmail, email.id)
    assert (retried.status, retried.attempts, retried.next_attempt_at) == ('pending', 0, now)
    assert (retried.claimed_by, retried.claimed_until) == (None, None)
    assert retried.last_error == 'SMTPDataError: (451, b\'try later\')'  # kept until the next try says otherwise


def test_only_the_admin_team_may_retry(session: Session) -> None:
    email = failed_email(session)
    organisation = make_organisation(session)
    for user in (make_user(session, None, 'sales'), make_user(session, organisation, 'global_admin')):
        with pytest.raises(PermissionDenied):
            retry_failed_email(session=session, actor=actor(user), email_id=email.id)
    session.expire_all()
    assert session.get(OutboxEmail, email.id).status == 'failed'


def test_a_deactivated_admin_cannot_retry_from_an_open_page(session: Session) -> None:
    user = make_user(session, None, 'vendor_admin')
    admin = actor(user)
    email = failed_email(session)
    user.is_active = False
    session.add(user)
    session.commit()

    with pytest.raises(PermissionDenied, match='Your account has changed'):
        retry_failed_email(session=session, actor=admin, email_id=email.id)


@pytest.mark.parametrize('status', ['pending', 'sending', 'sent'])
def test_only_a_failed_email_can_be_retried(session: Session, status: str) -> None:
    admin = actor(make_user(session, None, 'vendor_admin'))
    email = failed_email(session, status=status)

    with pytest.raises(InvalidInput, match=f'Only a failed email can be retried; this one is {status}.'):
        retry_failed_email(session=session, actor=admin, email_id=email.id)
    session.expire_all()
    assert (session.get(OutboxEmail, email.id).status, session.get(OutboxEmail, email.id).attempts) == (status, 10)


def test_a_purged_email_cannot_be_retried(session: Session) -> None:
    admin = actor(make_user(session, None, 'vendor_admin'))
    email = failed_email(session, to='removed@invalid')

    with pytest.raises(InvalidInput, match='purged'):
        retry_failed_email(session=session, actor=admin, email_id=email.id)
    with pytest.raises(NotFound):
        retry_failed_email(session=session, actor=admin, email_id=999999)
    session.expire_all()
    assert session.get(OutboxEmail, email.id).status == 'failed'


@pytest.mark.parametrize('forged', [str, float, lambda _id: True], ids=['text', 'float', 'bool'])
def test_an_email_id_that_is_not_a_whole_number_finds_nothing_and_changes_nothing(session: Session, forged) -> None:
    admin = actor(make_user(session, None, 'vendor_admin'))
    email = failed_email(session)

    for attempt in (outbox_bodies, retry_failed_email):
        with pytest.raises(NotFound, match='in the outbox'):
            attempt(session=session, actor=admin, email_id=forged(email.id))

    session.expire_all()
    assert session.get(OutboxEmail, email.id).status == 'failed'
