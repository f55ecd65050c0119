"""The Licence history tests' world: an organisation, a customer and a vendor to read it as, and readers for the
listed rows and the CSV export."""

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from dashboard.domain.history.query import HistoryFilter, export_history_csv, list_history
from dashboard.domain.models import Organisation
from tests.factories import actor, make_organisation, make_user


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def organisation(session: Session) -> Organisation:
    return make_organisation(session)


@pytest.fixture
def customer(session: Session, organisation: Organisation):
    return actor(make_user(session, organisation, 'viewer'))


@pytest.fixture
def vendor(session: Session):
    return actor(make_user(session, None, 'sales'))


def listed(session: Session, viewer, organisation: Organisation, **query: str) -> tuple[list[str], int]:
    """The notes of the rows shown for this URL query, in order, and the filtered count."""
    rows, count = list_history(session=session, actor=viewer, organisation_id=organisation.id,
                               history_filter=HistoryFilter.from_query(query))
    return [row.note for row in rows], count


def exported(session: Session, viewer, organisation: Organisation, batch_size: int = 5000,
             **query: str) -> tuple[list[str], list[list[str]]]:
    chunks = list(export_history_csv(session=session, actor=viewer, organisation_id=organisation.id,
                                     history_filter=HistoryFilter.from_query(query), batch_size=batch_size))
    return chunks, list(csv.reader(io.StringIO(''.join(chunks))))
