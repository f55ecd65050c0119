"""Writing the licence history: a row added with the change it describes, and the columns (with their digest) that
bulk inserts of the import and the demo data write."""

import hashlib
from datetime import UTC, datetime
from typing import Any, TypedDict

from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.changes import announce
from dashboard.domain.models import HistoryAction, LicenceHistory, LicenceKind


def row_hash(*, occurred_at: datetime, actor: str, action: str, kind: str | None, old_value: str | None,
             new_value: str | None, note: str | None) -> str:
    """A digest of every column a person sees, so that importing the same row twice stores it once."""
    parts = [occurred_at.astimezone(UTC).isoformat(), actor, action, kind or '', old_value or '', new_value or '',
             note or '']
    return hashlib.sha256('\x1f'.join(parts).encode()).hexdigest()


def record_history(*, session: Session, organisation_id: int, actor: str, action: HistoryAction,
                   kind: LicenceKind | None = None, old_value: object = None, new_value: object = None,
                   note: str | None = None, by_vendor: bool = False, occurred_at: datetime | None = None) -> None:
    """Adds a history row to the caller's transaction, so that it commits together with the change it describes;
    open pages hear of the change once it commits."""
    announce(session, organisation_id, action)
    session.add(LicenceHistory(**history_values(
        organisation_id=organisation_id, occurred_at=occurred_at or clock.now(), actor=actor, by_vendor=by_vendor,
        action=action, kind=kind, old_value=None if old_value is None else str(old_value),
        new_value=None if new_value is None else str(new_value), note=note)))


def history_values(*, organisation_id: int, occurred_at: datetime, actor: str, by_vendor: bool, action: str,
                   kind: str | None, old_value: str | None, new_value: str | None, note: str | None
                   ) -> dict[str, Any]:
    """A licence history row's columns, its digest included: for the app, and for bulk inserts of the import and
    the demo data."""
    shown = _ShownColumns(occurred_at=occurred_at, actor=actor, action=action, kind=kind, old_value=old_value,
                          new_value=new_value, note=note)
    return {'organisation_id': organisation_id, 'by_vendor': by_vendor, **shown, 'row_hash': row_hash(**shown)}


class _ShownColumns(TypedDict):
    """The columns a person sees, which the digest is made of."""

    occurred_at: datetime
    actor: str
    action: str
    kind: str | None
    old_value: str | None
    new_value: str | None
    note: str | None
