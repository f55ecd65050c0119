"""Sign-in throttling: back-off, the lock and its end, what a success clears, the address's own limit, and the same
answers for an email that has no account."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from dashboard.domain import clock
from dashboard.domain.auth.accounts import PasswordCheck, check_password
from dashboard.domain.auth.models import SignInEvent, SignInEventKind, SignInThrottle
from dashboard.domain.auth.sign_in_attempts import (
    WRONG_CREDENTIALS,
    record_failed_sign_in,
    record_password_accepted,
    sign_in_refusal,
)
from dashboard.domain.auth.throttle import ACCOUNT_POLICY, ADDRESS_POLICY, account_key, address_key
from tests.domain.test_accounts import CHEAP_HASH, PASSWORD
from tests.factories import make_organisation, make_user

ADDRESS = '203.0.113.7'
LOCKED = 'Too many attempts. Try again in 15 minutes.'


def fail(session: Session, email: str, now, *, address: str = ADDRESS, user_id: int | None = None) -> str:
    """One wrong password, as the login form records it; returns the message shown."""
    check = PasswordCheck(user=None, user_id=user_id, reason='wrong password' if user_id else 'unknown email')
    message = record_failed_sign_in(session=session, email=email, client_address=address, check=check, now=now)
    session.commit()
    return message


def refused(session: Session, email: str, now, *, address: str = ADDRESS) -> str | None:
    return sign_in_refusal(session=session, email=email, client_address=address, now=now)


def test_a_few_failures_are_free_then_each_attempt_waits_longer(session: Session) -> None:
    start = clock.now()
    for n in range(ACCOUNT_POLICY.free_failures):
        assert fail(session, 'anna@example.com', start) == WRONG_CREDENTIALS
        assert refused(session, 'anna@example.com', start) is None, n

    fail(session, 'anna@example.com', start)
    assert refused(session, 'anna@example.com', start) == 'Too many attempts. Try again in 1 second.'
    assert refused(session, 'anna@example.com', start + timedelta(seconds=1)) is None
    fail(session, 'anna@example.com', start + timedelta(seconds=1))
    assert refused(session, 'anna@example.com', start + timedelta(seconds=1)) == \
        'Too many attempts. Try again in 2 seconds.'
    assert refused(session, 'ANNA@example.com ', start + timedelta(seconds=2)) is not None  # the same email
    assert refused(session, 'bob@example.com', start + timedelta(seconds=1)) is None  # another email


def test_the_lock_comes_with_the_last_allowed_failure_and_ends_by_itself(session: Session) -> None:
    start = clock.now()
    messages = [fail(session, 'anna@example.com', start) for _ in range(ACCOUNT_POLICY.lock_after)]

    assert messages[-1] == LOCKED and set(messages[:-1]) == {WRONG_CREDENTIALS}
    assert refused(session, 'anna@example.com', start + timedelta(minutes=1)) == \
        'Too many attempts. Try again in 14 minutes.'
    assert refused(session, 'anna@example.com', start + timedelta(minutes=14, seconds=50)) == \
        'Too many attempts. Try again in 10 seconds.'
    after = start + ACCOUNT_POLICY.lock_for + timedelta(seconds=1)
    assert refused(session, 'anna@example.com', after) is None
    assert fail(session, 'anna@example.com', after) == WRONG_CREDENTIALS
    assert refused(session, 'anna@example.com', after) is None  # a fresh count: the first failure is free


def test_an_email_without_an_account_gets_exactly_the_same_answers(session: Session) -> None:
    user = make_user(session, make_organisation(session), email='anna@example.com', password_hash=CHEAP_HASH)
    start = clock.now()

    def answers(email: str, user_id: int | None) -> list[str | None]:
        seen = []
        for n in range(ACCOUNT_POLICY.lock_after + 1):
            now = start + timedelta(seconds=10 * n)
            seen.append(refused(session, email, now, address=f'198.51.100.{n}') or
                        fail(session, email, now, address=f'198.51.100.{n}', user_id=user_id))
        return seen

    assert answers('anna@example.com', user.id) == answers('nobody@example.com', None)


def test_a_success_clears_the_account_but_not_the_address(session: Session) -> None:
    user = make_user(session, make_organisation(session), email='anna@example.com', password_hash=CHEAP_HASH)
    start = clock.now()
    for _ in range(ACCOUNT_POLICY.free_failures + 2):
        fail(session, 'anna@example.com', start, user_id=user.id)
    assert refused(session, 'anna@example.com', start) is not None

    record_password_accepted(session=session, user=user, email='Anna@Example.com', client_address=ADDRESS)
    session.commit()

    assert refused(session, 'anna@example.com', start) is None
    assert session.get(SignInThrottle, account_key('anna@example.com')) is None
    assert session.get(SignInThrottle, address_key(ADDRESS)).failures == ACCOUNT_POLICY.free_failures + 2


def test_one_address_trying_many_emails_is_slowed_then_locked(session: Session) -> None:
    start = clock.now()
    for n in range(ADDRESS_POLICY.free_failures):
        fail(session, f'guess{n}@example.com', start)
    assert refused(session, 'fresh@example.com', start) is None

    fail(session, 'one.more@example.com', start)
    assert refused(session, 'fresh@example.com', start) == 'Too many attempts. Try again in 1 second.'
    assert refused(session, 'fresh@example.com', start, address='198.51.100.1') is None  # another address

    messages = [fail(session, f'late{n}@example.com', start)
                for n in range(ADDRESS_POLICY.lock_after - ADDRESS_POLICY.free_failures - 1)]
    assert messages[-1] == LOCKED
    assert refused(session, 'fresh@example.com', start + timedelta(minutes=10)) == \
        'Too many attempts. Try again in 5 minutes.'
    locks = session.exec(select(SignInEvent).where(SignInEvent.kind == SignInEventKind.LOCKED)).all()
    assert [(lock.detail, lock.client_address, lock.user_id) for lock in locks] == \
        [('Client address locked for 15 minutes', ADDRESS, None)]


def test_failures_and_the_lock_are_in_the_users_sign_in_log(session: Session, caplog) -> None:
    user = make_user(session, make_organisation(session), email='anna@example.com', password_hash=CHEAP_HASH)
    start = clock.now()
    secret = 'my very secret guess'
    for n in range(ACCOUNT_POLICY.lock_after):
        check = check_password(session=session, email='anna@example.com', password=f'{secret} {n}')
        record_failed_sign_in(session=session, email='anna@example.com', client_address=ADDRESS, check=check,
                              now=start)
        session.commit()

    events = session.exec(select(SignInEvent).where(SignInEvent.user_id == user.id).order_by(SignInEvent.id)).all()
    assert [event.kind for event in events] == [SignInEventKind.FAILED] * ACCOUNT_POLICY.lock_after + \
        [SignInEventKind.LOCKED]
    assert {(event.client_address, event.detail) for event in events[:-1]} == {(ADDRESS, 'wrong password')}
    assert events[-1].detail == 'Email locked for 15 minutes'
    assert 'Sign-in locked' in caplog.text and 'Sign-in failed' in caplog.text
    assert secret not in caplog.text


@pytest.mark.parametrize('change, reason', [({'is_active': False}, 'account deactivated'),
                                            ({'password_hash': None}, 'no password set')])
def test_a_right_password_where_sign_in_is_not_allowed_is_a_failure(session: Session, change, reason) -> None:
    user = make_user(session, make_organisation(session), email='anna@example.com',
                     **{'password_hash': CHEAP_HASH, **change})

    check = check_password(session=session, email='anna@example.com', password=PASSWORD)

    assert (check.user, check.user_id, check.reason) == (None, user.id, reason)


def test_an_overlong_password_is_refused_even_when_it_starts_right(session: Session) -> None:
    make_user(session, make_organisation(session), email='anna@example.com', password_hash=CHEAP_HASH)

    assert check_password(session=session, email='anna@example.com', password=PASSWORD + ' ' * 2000).user is None
    assert check_password(session=session, email='anna@example.com', password=PASSWORD).user is not None
