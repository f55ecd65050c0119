"""One sign-in attempt's bookkeeping: whether the throttle lets it reach the password check, and what it leaves in
the throttle, the sign-in log and the server log. The throttle counts the email as typed, whether or not an account
has it, and every refusal reads the same, so that no answer tells a stranger whether an email has an account."""

import logging
from datetime import datetime, timedelta
from math import ceil

from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.auth.accounts import PasswordCheck
from dashboard.domain.auth.events import record_sign_in_event
from dashboard.domain.auth.models import SignInEventKind
from dashboard.domain.auth.throttle import (
    ACCOUNT_POLICY,
    ADDRESS_POLICY,
    ThrottlePolicy,
    account_key,
    address_key,
    clear,
    record_failure,
    refusal,
)
from dashboard.domain.models import User

logger = logging.getLogger('dashboard.sign_in')
WRONG_CREDENTIALS = 'The email or password is not correct.'


def sign_in_refusal(*, session: Session, email: str, client_address: str | None,
                    now: datetime | None = None) -> str | None:
    """The message that turns this attempt away before any password is checked, or None to go ahead."""
    now = now or clock.now()
    refusals = [found for found in (
        refusal(session=session, key=account_key(email), policy=ACCOUNT_POLICY, now=now),
        refusal(session=session, key=address_key(client_address), policy=ADDRESS_POLICY, now=now)) if found]
    if not refusals:
        return None
    until = max(found.until for found in refusals)
    logger.warning('Sign-in refused unchecked (too many attempts, until %s): email %r from %s',
                   f'{until:%H:%M:%S}', _bounded(email), client_address)
    return too_many_attempts(until - now)


def record_failed_sign_in(*, session: Session, email: str, client_address: str | None, check: PasswordCheck,
                          now: datetime | None = None) -> str:
    """Counts the failure against the email and the address and logs it, in the caller's transaction; returns the
    message to show: the generic one, or the lock's when this failure locks the email or the address."""
    now = now or clock.now()
    logger.warning('Sign-in failed: email %r from %s (%s)', _bounded(email), client_address, check.reason)
    record_sign_in_event(session=session, kind=SignInEventKind.FAILED, user_id=check.user_id, email=email,
                         client_address=client_address, detail=check.reason)
    locked = []
    if record_failure(session=session, key=account_key(email), policy=ACCOUNT_POLICY, now=now):
        locked.append((ACCOUNT_POLICY.lock_for, check.user_id, f'Email locked for {_minutes(ACCOUNT_POLICY)}'))
    if record_failure(session=session, key=address_key(client_address), policy=ADDRESS_POLICY, now=now):
        locked.append((ADDRESS_POLICY.lock_for, None, f'Client address locked for {_minutes(ADDRESS_POLICY)}'))
    for _, user_id, detail in locked:
        logger.warning('Sign-in locked: %s (email %r from %s)', detail, _bounded(email), client_address)
        record_sign_in_event(session=session, kind=SignInEventKind.LOCKED, user_id=user_id, email=email,
                             client_address=client_address, detail=detail)
    return too_many_attempts(max(wait for wait, _, _ in locked)) if locked else WRONG_CREDENTIALS


def record_password_accepted(*, session: Session, user: User, email: str, client_address: str | None) -> None:
    """Clears the email's failures (never the address's: one good password must not reset a guesser's count), in
    the caller's transaction. The sign-in log's "Signed in" is written when the session opens, after any second
    factor, not here."""
    clear(session=session, key=account_key(email))
    logger.info('Password accepted: user %s from %s', user.id, client_address)


def too_many_attempts(wait: timedelta) -> str:
    seconds = max(1, ceil(wait.total_seconds()))
    if seconds < 60:
        return f'Too many attempts. Try again in {seconds} second{"s" if seconds != 1 else ""}.'
    minutes = ceil(seconds / 60)
    return f'Too many attempts. Try again in {minutes} minute{"s" if minutes != 1 else ""}.'


def _minutes(policy: ThrottlePolicy) -> str:
    return f'{round(policy.lock_for.total_seconds() / 60)} minutes'


def _bounded(email: str) -> str:
    return email[:100]
