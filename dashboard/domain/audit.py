"""The audit log: who changed what outside the licence history."""

from sqlmodel import Session

from .actor import Actor
from .models import AuditEntry


def record_audit(*, session: Session, actor: Actor, organisation_id: int | None, action: str, details: str) -> None:
    session.add(AuditEntry(organisation_id=organisation_id, actor_id=actor.user_id, actor_name=actor.name,
                           action=action, details=details))
