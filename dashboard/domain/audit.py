"""The audit log: who changed what outside the licence history."""

from sqlmodel import Session

from dashboard.domain.actor import Actor
from dashboard.domain.changes import announce
from dashboard.domain.models import AuditEntry


def record_audit(*, session: Session, actor: Actor, organisation_id: int | None, action: str, details: str) -> None:
    """Adds the entry to the caller's transaction, and announces the change to open pages once it commits."""
    if organisation_id is not None:
        announce(session, organisation_id, action)
    session.add(AuditEntry(organisation_id=organisation_id, actor_id=actor.user_id, actor_name=actor.name,
                           action=action, details=details))
