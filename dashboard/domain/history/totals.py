"""The licence totals over time for the Licence history chart, rebuilt from the history rows."""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func
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
    conditions = (LicenceHistory.organisation_id == organisation_id, LicenceHistory.kind == kind,
                  col(LicenceHistory.action).in_(TOTAL_ACTIONS))
    # The day's last change, found by grouping; then only those rows are read (by the index on kind and time).
    day_ends = session.exec(select(func.max(LicenceHistory.occurred_at)).where(*conditions)
                            .group_by(_day(session, LicenceHistory.occurred_at))).all()
    if not day_ends:
        return []
    points: list[tuple[datetime, int]] = []
    first = session.exec(select(LicenceHistory.occurred_at, LicenceHistory.old_value, LicenceHistory.new_value)
                         .where(*conditions).order_by(LicenceHistory.occurred_at, LicenceHistory.id).limit(1)).one()
    if _is_count(first.old_value):
        points.append((first.occurred_at - timedelta(seconds=1), int(first.old_value)))
    rows = session.exec(select(LicenceHistory.occurred_at, LicenceHistory.new_value)
                        .where(*conditions, col(LicenceHistory.occurred_at).in_(day_ends))
                        .order_by(LicenceHistory.occurred_at, LicenceHistory.id)).all()
    for occurred_at, value in [(first.occurred_at, first.new_value), *rows]:
        if _is_count(value) and (not points or points[-1] != (occurred_at, int(value))):
            points.append((occurred_at, int(value)))
    return points


def _is_count(value: str | None) -> bool:
    return value is not None and value.isdecimal()


def _day(session: Session, column) -> ColumnElement:
    if session.get_bind().dialect.name == 'sqlite':
        return func.date(column)
    return func.date_trunc('day', column)
