"""The licence totals over time for the Licence history chart, rebuilt from the history rows."""

from datetime import datetime, timedelta
from typing import Any, TypeGuard

from sqlalchemy import ColumnElement, SQLColumnExpression, func
from sqlmodel import Session, col, select

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.models import HistoryAction, LicenceHistory, LicenceKind, LicencePool

TOTAL_ACTIONS = (HistoryAction.LICENCES_INCREASED, HistoryAction.LICENCES_DECREASED, HistoryAction.TRIAL_STARTED,
                 HistoryAction.TRIAL_CONVERTED)


def licence_totals_series(*, session: Session, actor: Actor, organisation_id: int
                          ) -> dict[LicenceKind, list[tuple[datetime, int]]]:
    """Licence totals over time per kind, rebuilt from the history: the total before the first recorded change,
    then the last total recorded on each day, ending with today's total from the pool itself."""
    actor.require_view_billing(organisation_id)
    series = {kind: _daily_totals(session, organisation_id, kind) for kind in LicenceKind}
    now = clock.now()
    for pool in session.exec(select(LicencePool).where(LicencePool.organisation_id == organisation_id)).all():
        series[pool.kind].append((now, pool.total))
    return series


def _daily_totals(session: Session, organisation_id: int, kind: LicenceKind) -> list[tuple[datetime, int]]:
    occurred_at, row_id = col(LicenceHistory.occurred_at), col(LicenceHistory.id)
    conditions = (col(LicenceHistory.organisation_id) == organisation_id, col(LicenceHistory.kind) == kind,
                  col(LicenceHistory.action).in_(TOTAL_ACTIONS))
    # The day's last change, found by grouping; then only those rows are read (by the index on kind and time).
    day_ends = session.exec(select(func.max(occurred_at)).where(*conditions).group_by(_day(session, occurred_at))).all()
    if not day_ends:
        return []
    points: list[tuple[datetime, int]] = []
    first_at, first_old, first_new = session.exec(
        select(occurred_at, col(LicenceHistory.old_value), col(LicenceHistory.new_value))
        .where(*conditions).order_by(occurred_at, row_id).limit(1)).one()
    if _is_count(first_old):
        points.append((first_at - timedelta(seconds=1), int(first_old)))
    rows = session.exec(select(occurred_at, col(LicenceHistory.new_value))
                        .where(*conditions, occurred_at.in_(day_ends)).order_by(occurred_at, row_id)).all()
    for at, value in [(first_at, first_new), *rows]:
        if _is_count(value) and (not points or points[-1] != (at, int(value))):
            points.append((at, int(value)))
    return points


def _is_count(value: str | None) -> TypeGuard[str]:
    return value is not None and value.isdecimal()


def _day(session: Session, column: SQLColumnExpression[datetime]) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == 'sqlite':
        return func.date(column)
    return func.date_trunc('day', column)
