"""Reading the sign-in log: a person's own entries, and for the Admin Team anyone's, found by email, and the newest
failures and locks across every account."""

from sqlmodel import Session, col, select

from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import MAX_EMAIL_LENGTH, find_user_by_email, require_current
from dashboard.domain.auth.events import list_sign_in_events
from dashboard.domain.auth.models import SignInEvent, SignInEventKind
from dashboard.domain.errors import InvalidInput, PermissionDenied
from dashboard.domain.models import User

TROUBLE = (SignInEventKind.FAILED, SignInEventKind.LOCKED)


def user_sign_in_log(*, session: Session, actor: Actor, user_id: int, limit: int = 100) -> list[SignInEvent]:
    """A person's log, newest first: their own, or anyone's for the Admin Team."""
    require_current(session=session, actor=actor)
    return list_sign_in_events(session=session, actor=actor, user_id=user_id, limit=limit)


def find_user_for_sign_in_log(*, session: Session, actor: Actor, email: str) -> User | None:
    """The user with this email (any case), for the Admin Team; None when nobody has it."""
    _require_admin_team(session, actor)
    email = email.strip()
    if not email:
        raise InvalidInput('Enter an email address.')
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidInput(f'An email address has at most {MAX_EMAIL_LENGTH} characters.')
    return find_user_by_email(session=session, email=email)


def recent_sign_in_trouble(*, session: Session, actor: Actor, limit: int = 50) -> list[SignInEvent]:
    """The newest failed sign-ins and locks across every account (and emails without one), for the Admin Team."""
    _require_admin_team(session, actor)
    query = select(SignInEvent).where(col(SignInEvent.kind).in_([kind.value for kind in TROUBLE])) \
        .order_by(col(SignInEvent.at).desc(), col(SignInEvent.id).desc()).limit(max(1, min(limit, 500)))
    return list(session.exec(query).all())


def _require_admin_team(session: Session, actor: Actor) -> None:
    if not actor.is_admin_team:
        raise PermissionDenied('Only the Admin Team may read other people\'s sign-in logs.')
    require_current(session=session, actor=actor)
