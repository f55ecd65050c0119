"""Two-factor sign-in: turning it on and off, new recovery codes, the code asked for after the password, and the
Admin Team's reset. Each person manages only their own second factor; the Admin Team must have one. Every code
attempt is throttled per account ('totp:<user id>') like passwords are, and logged in the sign-in log."""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, update

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.audit import record_audit
from dashboard.domain.auth import throttle
from dashboard.domain.auth.accounts import require_current
from dashboard.domain.auth.events import record_sign_in_event
from dashboard.domain.auth.models import SignInEventKind
from dashboard.domain.auth.recovery_codes import (
    delete_recovery_codes,
    recovery_codes_left,
    replace_recovery_codes,
    use_recovery_code,
)
from dashboard.domain.auth.sessions import end_user_sessions
from dashboard.domain.auth.totp import is_secret, matching_step
from dashboard.domain.errors import InvalidInput, NotFound, PermissionDenied
from dashboard.domain.models import User

WRONG_CODE = 'That code is not correct. Check the code your authenticator app shows now, and try again.'
WRONG_RECOVERY_CODE = 'That recovery code is not correct, or it has been used already.'
ADMIN_TEAM_MUST = 'The Admin Team must use two-factor sign-in: it cannot be turned off.'
# Codes are throttled per account like passwords: 3 free failures, then back-off, the 10th within 15 minutes locks
# the second factor for 15 minutes (one guess in a million each, so a lock is reached long before a lucky one).
CODE_POLICY = throttle.ThrottlePolicy(free_failures=3, lock_after=10)


class SecondFactorRefused(InvalidInput):
    """A wrong code, or too many of them: the message says which, and how long to wait."""


class SecondFactor(enum.Enum):
    NONE = 'none'  # the password is enough
    CODE = 'code'  # a code from the app, or a recovery code
    ENROL = 'enrol'  # the Admin Team without two-factor sign-in: turn it on first


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled_at: datetime | None
    recovery_codes_left: int
    required: bool  # the Admin Team may not turn it off

    @property
    def enabled(self) -> bool:
        return self.enabled_at is not None


def throttle_key(user_id: int) -> str:
    return f'totp:{user_id}'


def second_factor_needed(*, session: Session, actor: Actor) -> SecondFactor:
    """What must follow the password for this person before a session is opened."""
    user = _own_user(session, actor)
    if user.totp_enabled_at is not None:
        return SecondFactor.CODE
    return SecondFactor.ENROL if actor.is_admin_team else SecondFactor.NONE


def two_factor_status(*, session: Session, actor: Actor) -> TwoFactorStatus:
    user = _own_user(session, actor)
    left = recovery_codes_left(session=session, user_id=actor.user_id) if user.totp_enabled_at else 0
    return TwoFactorStatus(enabled_at=user.totp_enabled_at, recovery_codes_left=left, required=actor.is_admin_team)


def enable_two_factor(*, session: Session, actor: Actor, secret: str, code: str,
                      client_address: str | None = None) -> list[str]:
    """Stores the secret once a first code from the app confirms it; returns the ten recovery codes to show once."""
    user = _own_user(session, actor)
    if user.totp_enabled_at is not None:
        raise InvalidInput('Two-factor sign-in is already on for your account.')
    if not is_secret(secret):
        raise InvalidInput('This set-up has expired: start again.')
    now = clock.now()
    _refuse_if_throttled(session, actor.user_id, now)
    step = matching_step(secret=secret, code=code, now=now, last_step=None)
    if step is None:
        _fail(session, actor, now, client_address, 'confirming the set-up', WRONG_CODE)
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, now, step
    session.add(user)
    codes = replace_recovery_codes(session=session, user_id=actor.user_id, now=now)
    throttle.clear(session=session, key=throttle_key(actor.user_id))
    _event(session, actor, SignInEventKind.TWO_FACTOR_ENABLED, client_address)
    session.commit()
    return codes


def disable_two_factor(*, session: Session, actor: Actor, code: str, client_address: str | None = None) -> None:
    """Turns it off with a current code from the app; never for the Admin Team."""
    if actor.is_admin_team:
        raise PermissionDenied(ADMIN_TEAM_MUST)
    user = _enabled_user(session, actor)
    _check_app_code(session, actor, user, code, client_address, 'turning it off')
    _clear_factor(session, user)
    _event(session, actor, SignInEventKind.TWO_FACTOR_DISABLED, client_address)
    session.commit()


def new_recovery_codes(*, session: Session, actor: Actor, code: str, client_address: str | None = None) -> list[str]:
    """Ten new recovery codes in place of the old ones, with a current code from the app."""
    user = _enabled_user(session, actor)
    _check_app_code(session, actor, user, code, client_address, 'new recovery codes')
    codes = replace_recovery_codes(session=session, user_id=actor.user_id, now=clock.now())
    _event(session, actor, SignInEventKind.RECOVERY_CODES_REPLACED, client_address)
    session.commit()
    return codes


def pass_with_code(*, session: Session, actor: Actor, code: str, client_address: str | None = None) -> None:
    """The sign-in's second step with a code from the app; raises `SecondFactorRefused` for a wrong code."""
    user = _enabled_user(session, actor)
    _check_app_code(session, actor, user, code, client_address, 'sign-in')
    session.commit()


def pass_with_recovery_code(*, session: Session, actor: Actor, code: str, client_address: str | None = None) -> int:
    """The sign-in's second step with a recovery code, which is then used up; returns how many are left."""
    _enabled_user(session, actor)
    now = clock.now()
    _refuse_if_throttled(session, actor.user_id, now)
    if not use_recovery_code(session=session, user_id=actor.user_id, code=code, now=now):
        _fail(session, actor, now, client_address, 'recovery code', WRONG_RECOVERY_CODE)
    throttle.clear(session=session, key=throttle_key(actor.user_id))
    left = recovery_codes_left(session=session, user_id=actor.user_id)
    _event(session, actor, SignInEventKind.RECOVERY_CODE_USED, client_address, f'{left} left')
    session.commit()
    return left


def reset_two_factor(*, session: Session, actor: Actor, user_id: int, client_address: str | None = None) -> int:
    """The Admin Team turns off another person's second factor (a lost phone): their sessions end, and the reset is
    logged. Returns how many sessions ended."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    if user_id == actor.user_id:
        raise InvalidInput('Change your own two-factor sign-in on your Security page.')
    user = session.get(User, user_id)
    if user is None:
        raise NotFound('There is no such user.')
    if user.totp_enabled_at is None:
        raise InvalidInput(f'{user.full_name} does not use two-factor sign-in.')
    _clear_factor(session, user)
    throttle.clear(session=session, key=throttle_key(user_id))
    ended = end_user_sessions(session=session, user_id=user_id, reason='two_factor_reset')
    record_sign_in_event(session=session, kind=SignInEventKind.TWO_FACTOR_DISABLED, user_id=user_id,
                         email=user.email, client_address=client_address, detail=f'Reset by {actor.name}')
    record_audit(session=session, actor=actor, organisation_id=user.organisation_id, action='two_factor_reset',
                 details=f'Two-factor sign-in of {user.full_name} <{user.email}> reset; {ended} sessions ended')
    session.commit()
    return ended


def _own_user(session: Session, actor: Actor) -> User:
    """The actor's own row, while the actor may still sign in: nobody reaches another person's factor here."""
    require_current(session=session, actor=actor)
    user = session.get(User, actor.user_id)
    assert user is not None  # require_current found it
    return user


def _enabled_user(session: Session, actor: Actor) -> User:
    user = _own_user(session, actor)
    if user.totp_enabled_at is None or not user.totp_secret:
        raise InvalidInput('Two-factor sign-in is not on for your account.')
    return user


def _check_app_code(session: Session, actor: Actor, user: User, code: str, client_address: str | None,
                    during: str) -> None:
    """Accepts a code from the app once: the step is claimed by one conditional update, so two tabs sending the
    same code at once cannot both pass."""
    now = clock.now()
    _refuse_if_throttled(session, actor.user_id, now)
    assert user.totp_secret is not None
    step = matching_step(secret=user.totp_secret, code=code, now=now, last_step=user.totp_last_step)
    claimed = step is not None and (session.exec(
        update(User).where(col(User.id) == actor.user_id,
                           col(User.totp_last_step).is_(None) | (col(User.totp_last_step) < step))
        .values(totp_last_step=step)).rowcount or 0) == 1
    if not claimed:
        _fail(session, actor, now, client_address, during, WRONG_CODE)
    throttle.clear(session=session, key=throttle_key(actor.user_id))


def _refuse_if_throttled(session: Session, user_id: int, now: datetime) -> None:
    refusal = throttle.refusal(session=session, key=throttle_key(user_id), policy=CODE_POLICY, now=now)
    if refusal is None:
        return
    if refusal.locked:
        raise SecondFactorRefused('Too many wrong codes: two-factor sign-in for this account is locked until '
                                  f'{refusal.until:%H:%M} UTC.')
    seconds = max(1, int((refusal.until - now).total_seconds() + 0.999))
    raise SecondFactorRefused(f'Too many wrong codes: wait {seconds} seconds, then try again.')


def _fail(session: Session, actor: Actor, now: datetime, client_address: str | None, during: str,
          message: str) -> None:
    """Counts and logs the wrong code (committed, whatever the caller does next), then refuses."""
    session.rollback()
    locks = throttle.record_failure(session=session, key=throttle_key(actor.user_id), policy=CODE_POLICY, now=now)
    _event(session, actor, SignInEventKind.TWO_FACTOR_FAILED, client_address, during)
    if locks:
        _event(session, actor, SignInEventKind.LOCKED, client_address, 'two-factor codes')
    session.commit()
    if locks:
        _refuse_if_throttled(session, actor.user_id, now)
    raise SecondFactorRefused(message)


def _clear_factor(session: Session, user: User) -> None:
    assert user.id is not None
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = None, None, None
    session.add(user)
    delete_recovery_codes(session=session, user_id=user.id)


def _event(session: Session, actor: Actor, kind: SignInEventKind, client_address: str | None,
           detail: str | None = None) -> None:
    record_sign_in_event(session=session, kind=kind, user_id=actor.user_id, email=actor.email,
                         client_address=client_address, detail=detail)
