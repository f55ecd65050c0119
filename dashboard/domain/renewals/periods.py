"""The Renewals chart's figures: per week (30, 60, 90 days), month (180 days, and overdue) and licence type, how
many accounts renew and how many licences they hold."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, null, union_all
from sqlmodel import Session, col

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.models import LicenceKind, LicencePool
from dashboard.domain.renewals.filter import OVERDUE, RenewalsFilter, horizon_window, month_end, period_label
from dashboard.domain.renewals.query import RenewalsQuery
from dashboard.domain.wide_select import execute_wide, select_wide

OVERDUE_MONTHS = 12  # overdue pools by month for a year; anything older in one bar before them


@dataclass(frozen=True)
class RenewalPeriod:
    """One bar of the chart. `accounts` counts each account once, even with both licence types in the period."""

    start: date
    end: date
    label: str
    accounts: int = 0
    licences: int = 0
    accounts_by_kind: dict[str, int] = field(default_factory=dict)
    licences_by_kind: dict[str, int] = field(default_factory=dict)


def renewals_by_period(*, session: Session, actor: Actor, renewals_filter: RenewalsFilter, today: date | None = None
                       ) -> list[RenewalPeriod]:
    """Every period of the horizon, empty ones included, honouring every filter but the chosen period itself.

    Grouped by the database, by period (a CASE over the periods' last days) and licence type, so that an account
    with both licence types renewing in one period counts once; a few dozen rows come back."""
    actor.require_vendor()
    today = today or clock.today()
    query = RenewalsQuery(renewals_filter, today, session)
    periods = chart_periods(renewals_filter.horizon, today)
    expiry = col(LicencePool.expiry_date)
    bucket = case(*((expiry <= end, number) for number, (_, end) in enumerate(periods)), else_=len(periods) - 1)
    # The bucket is worked out once, in a common table expression read twice (the database keeps it rather than
    # filter the pools again): PostgreSQL would not see a parameterised CASE in the select list and the same in
    # GROUP BY as one expression either.
    pools = query.pools(select_wide(bucket.label('bucket'), col(LicencePool.kind), col(LicencePool.total),
                                    col(LicencePool.organisation_id), expiry)) \
        .where(*query.conditions(with_period=False)).cte('matched')
    per_kind = select_wide(pools.c.bucket, pools.c.kind, func.count().label('accounts'),
                           func.sum(pools.c.total).label('licences'), func.min(pools.c.expiry_date).label('first')) \
        .group_by(pools.c.bucket, pools.c.kind)
    per_period = select_wide(pools.c.bucket, null().label('kind'), func.count(pools.c.organisation_id.distinct()),
                             null(), null()).group_by(pools.c.bucket)
    figures = pd.DataFrame(execute_wide(session, union_all(per_kind, per_period)).all(),
                           columns=['bucket', 'kind', 'accounts', 'licences', 'first'])
    by_kind = figures[figures['kind'].notna()]
    accounts = dict(zip(figures.loc[figures['kind'].isna(), 'bucket'], figures.loc[figures['kind'].isna(),
                                                                                   'accounts'], strict=True))
    return _periods(periods, by_kind, accounts)


def chart_periods(horizon: str, today: date) -> Sequence[tuple[date | None, date]]:
    """The periods' first and last days: weeks from Monday for up to 90 days, months for 180 days and for overdue
    pools (the last twelve months, and everything before them as one period with no first day)."""
    first, last = horizon_window(horizon, today)
    if horizon == OVERDUE:
        months = _months(_add_months(last.replace(day=1), 1 - OVERDUE_MONTHS), last)
        return [(None, months[0][0] - timedelta(days=1)), *months]
    assert first is not None
    if horizon == '180':
        return _months(first, last)
    monday = first - timedelta(days=first.weekday())
    return [(monday + timedelta(weeks=n), monday + timedelta(weeks=n, days=6))
            for n in range((last - monday).days // 7 + 1)]


def _months(first: date, last: date) -> list[tuple[date, date]]:
    months = []
    start = first.replace(day=1)
    while start <= last:
        months.append((start, month_end(start)))
        start = month_end(start) + timedelta(days=1)
    return months


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _periods(periods: Sequence[tuple[date | None, date]], by_kind: pd.DataFrame, accounts: dict[int, int]
             ) -> list[RenewalPeriod]:
    shown = []
    for number, (start, end) in enumerate(periods):
        rows = by_kind[by_kind['bucket'] == number]
        if start is None:  # the open-ended period before the overdue months: shown only when it holds something
            if rows.empty:
                continue
            start = rows['first'].min()
        accounts_by_kind = {kind.value: 0 for kind in LicenceKind}
        licences_by_kind = {kind.value: 0 for kind in LicenceKind}
        for row in rows.itertuples():
            accounts_by_kind[row.kind] = int(row.accounts)
            licences_by_kind[row.kind] = int(row.licences)
        shown.append(RenewalPeriod(start=start, end=end, label=period_label(start, end),
                                   accounts=int(accounts.get(number, 0)), licences=sum(licences_by_kind.values()),
                                   accounts_by_kind=accounts_by_kind, licences_by_kind=licences_by_kind))
    return shown
