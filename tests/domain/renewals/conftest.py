"""The Renewals tests' world: a sales person to read them as, pools expiring some days from today, and readers for
the listed rows and the CSV export."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.renewals.pipeline import (
    RenewalsFilter,
    export_renewals_csv,
    list_renewals,
)
from tests.factories import actor, make_organisation, make_pool, make_user

TODAY = clock.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def sales(session: Session):
    return actor(make_user(session, None, 'sales'))


def pool(session: Session, expires_in: int, kind: str = 'managed_agent', *, name: str | None = None,
         total: int = 50, in_use: int = 20, **organisation):
    """An organisation with one pool expiring in `expires_in` days (negative: that many days ago)."""
    organisation = make_organisation(session, **({'name': name} if name else {}), **organisation)
    make_pool(session, organisation, kind, total=total, in_use=in_use, expiry_date=days(expires_in))
    return organisation


def listed(session: Session, who, **query: str) -> tuple[list[str], int]:
    """The account names of the rows shown for this URL query, in order, and the filtered count."""
    rows, count = list_renewals(session=session, actor=who, renewals_filter=RenewalsFilter.from_query(query))
    return [row.name for row in rows], count


def names(session: Session, who, **query: str) -> list[str]:
    return listed(session, who, **query)[0]


def exported(session: Session, who, batch_size: int = 5000, **query: str) -> tuple[list[str], list[list[str]]]:
    chunks = list(export_renewals_csv(session=session, actor=who, renewals_filter=RenewalsFilter.from_query(query),
                                      batch_size=batch_size))
    return chunks, list(csv.reader(io.StringIO(''.join(chunks))))
