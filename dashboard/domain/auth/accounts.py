"""Users and their passwords: sign-in, and `set-password` from the command line."""

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from dashboard.domain.actor import Actor
from dashboard.domain.auth.events import record_sign_in_event
from dashboard.domain.auth.models import SignInEventKind
from dashboard.domain.auth.sessions import end_user_sessions
from dashboard.domain.errors import InvalidInput, NotFound, PermissionDenied
from dashboard.domain.models import Organisation, User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # longer is no safer, and only makes the hash slower
MAX_PASSWORD_INPUT = 1024  # longer input is refused unread, but still costs one hash, like any wrong password
MAX_EMAIL_LENGTH = 320
_hasher = PasswordHasher()
# Verifying against this when no user matches keeps a wrong email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash('not a real password')


def find_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email_key == email.strip().lower())).first()


def new_password_hash(password: str) -> str:
    """The hash of a password someone chose, once it meets the length rule."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f'The password must be at least {MIN_PASSWORD_LENGTH} characters long.')
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f'The password can be at most {MAX_PASSWORD_LENGTH} characters long.')
    return _hasher.hash(password)


def set_password(*, session: Session, email: str, password: str, keep_token: str | None = None) -> User:
    """Sets the password and ends every session of the user (but the one holding `keep_token`): whoever knew the
    old password is signed out everywhere."""
    password_hash = new_password_hash(password)
    user = find_user_by_email(session=session, email=email)
    if user is None:
        raise NotFound(f'No user has the email {email!r}.')
    user.password_hash = password_hash
    session.add(user)
    assert user.id is not None
    end_user_sessions(session=session, user_id=user.id, reason='password_changed', keep_token=keep_token)
    record_sign_in_event(session=session, kind=SignInEventKind.PASSWORD_CHANGED, user_id=user.id)
    session.commit()
    return user


def set_user_active(*, session: Session, email: str, active: bool) -> User:
    """Deactivates a user (they can no longer sign in, and every session of theirs ends at once, open pages
    included) or lets them sign in again. Used from the command line by the vendor's operators."""
    user = find_user_by_email(session=session, email=email)
    if user is None:
        raise NotFound(f'No user has the email {email!r}.')
    assert user.id is not None
    user.is_active = active
    session.add(user)
    if not active:
        end_user_sessions(session=session, user_id=user.id, reason='deactivated')
        record_sign_in_event(session=session, kind=SignInEventKind.SESSIONS_ENDED, user_id=user.id,
                             detail='deactivated')
    session.commit()
    return user


@dataclass(frozen=True)
class PasswordCheck:
    """What one password check found. `reason` is for the sign-in log and the server log, never for the screen."""

    user: User | None  # the user who may now sign in, else None
    user_id: int | None  # the account the typed email names, accepted or not
    reason: str  # '' when accepted


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The user with these credentials who may sign in, or None: the caller shows one generic message either way."""
    return check_password(session=session, email=email, password=password).user


def check_password(*, session: Session, email: str, password: str) -> PasswordCheck:
    """Checks the password with Argon2 whatever the email names (an unknown email, an account without a password,
    a deactivated one), so that the time taken tells a stranger nothing."""
    user = find_user_by_email(session=session, email=email) if email and len(email) <= MAX_EMAIL_LENGTH else None
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    matches: bool  # `verify` says True or raises
    try:
        matches = _hasher.verify(stored, password if len(password) <= MAX_PASSWORD_INPUT else '')
    except (VerificationError, InvalidHashError):
        matches = False
    if user is None:
        return PasswordCheck(user=None, user_id=None, reason='unknown email')
    if not user.password_hash:
        return PasswordCheck(user=None, user_id=user.id, reason='no password set')
    if not matches or len(password) > MAX_PASSWORD_INPUT:
        return PasswordCheck(user=None, user_id=user.id, reason='wrong password')
    if not is_allowed_to_sign_in(session=session, user=user):
        reason = 'account deactivated' if not user.is_active else 'organisation cancelled'
        return PasswordCheck(user=None, user_id=user.id, reason=reason)
    return PasswordCheck(user=user, user_id=user.id, reason='')


def is_allowed_to_sign_in(*, session: Session, user: User) -> bool:
    """Deactivated users and users of a cancelled organisation are refused, also in sessions already open."""
    if not user.is_active:
        return False
    if user.organisation_id is None:
        return True
    organisation = session.get(Organisation, user.organisation_id)
    return organisation is not None and organisation.cancelled_at is None


def active_user(*, session: Session, user_id: int | None) -> User | None:
    """The user behind a browser session, if that session is still allowed."""
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or not is_allowed_to_sign_in(session=session, user=user):
        return None
    return user


def require_current(*, session: Session, actor: Actor) -> None:
    """Refuses an actor whose account has changed since the page acting for it was opened: deactivated, its
    organisation cancelled, or given another role or organisation. A page keeps no powers its user has lost."""
    user = active_user(session=session, user_id=actor.user_id)
    if user is None or user.role != actor.role or user.organisation_id != actor.organisation_id:
        raise PermissionDenied('Your account has changed since this page was opened: please sign in again.')
