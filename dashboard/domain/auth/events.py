"""The sign-in log: successful and failed sign-ins, locks, two-factor changes, resets and invitations."""

from sqlmodel import Session, col, select

from dashboard.domain.actor import Actor
from dashboard.domain.auth.models import SignInEvent, SignInEventKind
from dashboard.domain.errors import PermissionDenied

MAX_ADDRESS = 64
MAX_EMAIL = 320
MAX_DETAIL = 200


def record_sign_in_event(*, session: Session, kind: SignInEventKind, user_id: int | None = None, email: str = '',
                         client_address: str | None = None, detail: str | None = None) -> None:
    """Adds the entry to the caller's transaction. Values are cut to their columns: what a stranger typed as an
    email is logged, bounded, and a password never is."""
    session.add(SignInEvent(kind=kind, user_id=user_id, email=email[:MAX_EMAIL],
                            client_address=client_address[:MAX_ADDRESS] if client_address else None,
                            detail=detail[:MAX_DETAIL] if detail else None))


def list_sign_in_events(*, session: Session, actor: Actor, user_id: int, limit: int = 100) -> list[SignInEvent]:
    """A user's own log, newest first; the Admin Team may read anyone's."""
    if actor.user_id != user_id and not actor.is_admin_team:
        raise PermissionDenied('Only the Admin Team may read another person\'s sign-in log.')
    query = select(SignInEvent).where(SignInEvent.user_id == user_id) \
        .order_by(col(SignInEvent.at).desc(), col(SignInEvent.id).desc()).limit(max(1, min(limit, 1000)))
    return list(session.exec(query).all())
