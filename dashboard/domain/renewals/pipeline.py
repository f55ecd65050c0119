"""The vendor's renewals pipeline: every licence pool whose expiry falls inside a horizon, filtered, sorted and paged
by the database, and exported as CSV. The chart's totals per week or month are in `renewals_periods`."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.csv_export import csv_text
from dashboard.domain.models import LicenceKind, Region
from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.paging import counted
from dashboard.domain.renewals.filter import ACCOUNT_TYPES, HORIZONS, SORTS, RenewalsFilter, period_label
from dashboard.domain.renewals.periods import RenewalPeriod, renewals_by_period
from dashboard.domain.renewals.query import RenewalsQuery
from dashboard.domain.wide_select import execute_wide

__all__ = ['ACCOUNT_TYPES', 'CSV_HEADER', 'HORIZONS', 'SORTS', 'RenewalPeriod', 'RenewalRow',
           'RenewalsFilter', 'export_renewals_csv', 'list_renewals', 'period_label', 'renewals_by_period']


@dataclass(frozen=True)
class RenewalRow:
    organisation_id: int
    name: str
    serial_number: str
    account_type: AccountType
    region: Region
    kind: LicenceKind
    expiry_date: date
    days_left: int
    in_use: int
    total: int
    utilisation: int
    deletion_pending: bool
    main_contact: str | None


def list_renewals(*, session: Session, actor: Actor, renewals_filter: RenewalsFilter, today: date | None = None
                  ) -> tuple[list[RenewalRow], int]:
    """One page of pools, soonest expiry first unless sorted otherwise, and the number the filter matches."""
    actor.require_vendor()
    today = today or clock.today()
    query = RenewalsQuery(renewals_filter, today, session)
    offset, page_size = renewals_filter.offset, renewals_filter.page_size
    rows = [_row(values, today) for values in execute_wide(session, query.page(offset, page_size)).all()]
    return counted(rows, offset=offset, page_size=page_size, count=lambda: session.exec(query.count()).one())


CSV_HEADER = ['Account name', 'Serial number', 'Account type', 'Region', 'Licence type', 'Expiry date', 'Days left',
              'In use', 'Total', 'Utilisation %', 'Deletion pending', 'Main contact']


def export_renewals_csv(*, session: Session, actor: Actor, renewals_filter: RenewalsFilter, today: date | None = None,
                        batch_size: int = 5000) -> Iterator[str]:
    """Every pool the filter matches (all pages), in the table's order, as CSV text in chunks: streamed, never all
    in memory. Not a generator itself, so that a caller without permission is refused when calling."""
    actor.require_vendor()
    today = today or clock.today()
    statement = RenewalsQuery(renewals_filter, today, session).rows()
    return _csv_chunks(session, statement, today, batch_size)


def _csv_chunks(session: Session, statement: Select[*tuple[Any, ...]], today: date, batch_size: int
                ) -> Iterator[str]:
    result = execute_wide(session, statement.execution_options(yield_per=batch_size))
    return csv_text(CSV_HEADER, ([_csv_row(_row(values, today)) for values in partition]
                                 for partition in result.partitions()))


def _csv_row(row: RenewalRow) -> list[object]:
    return [row.name, row.serial_number, row.account_type, row.region.label,
            row.kind.label, row.expiry_date.isoformat(), row.days_left, row.in_use, row.total,
            row.utilisation, row.deletion_pending, row.main_contact]


# The columns RenewalsQuery.rows reads, in its order (more than a typed select holds, so they come back untyped).
ShownColumns = tuple[int, str, str, AccountType, Region, LicenceKind, date, int, int, int, bool, str | None]


def _row(values: ShownColumns, today: date) -> RenewalRow:
    (organisation_id, name, serial, account_type, region, kind, expiry, in_use, total, utilisation, deletion,
     contact) = values
    return RenewalRow(organisation_id=organisation_id, name=name, serial_number=serial, account_type=account_type,
                      region=region, kind=kind, expiry_date=expiry, days_left=(expiry - today).days, in_use=in_use,
                      total=total, utilisation=int(utilisation), deletion_pending=bool(deletion),
                      main_contact=contact)

