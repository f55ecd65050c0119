"""Users and their passwords: sign-in, and `set-password` from the command line."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from .actor import Actor
from .auth.events import record_sign_in_event
from .auth.models import SignInEventKind
from .auth.sessions import end_user_sessions
from .errors import InvalidInput, NotFound, PermissionDenied
from .models import Organisation, User

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verifying against this when no user matches keeps a wrong email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash('not a real password')


def find_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email_key == email.strip().lower())).first()


def set_password(*, session: Session, email: str, password: str, keep_token: str | None = None) -> User:
    """Sets the password and ends every session of the user (but the one holding `keep_token`): whoever knew the
    old password is signed out everywhere."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f'The password must be at least {MIN_PASSWORD_LENGTH} characters long.')
    user = find_user_by_email(session=session, email=email)
    if user is None:
        raise NotFound(f'No user has the email {email!r}.')
    user.password_hash = _hasher.hash(password)
    session.add(user)
    assert user.id is not None
    end_user_sessions(session=session, user_id=user.id, reason='password_changed', keep_token=keep_token)
    record_sign_in_event(session=session, kind=SignInEventKind.PASSWORD_CHANGED, user_id=user.id)
    session.commit()
    return user


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The user with these credentials who may sign in, or None: the caller shows one generic message either way."""
    user = find_user_by_email(session=session, email=email) if email else None
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash or not is_allowed_to_sign_in(session=session, user=user):
        return None
    return user


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
