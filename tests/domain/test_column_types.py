"""The column types: enums come back as their members and timestamps in UTC, from ORM rows and column selects alike,
on SQLite and PostgreSQL; and the migrated schema is still the one the models describe."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import DateTime, func, text, update
from sqlalchemy.exc import StatementError
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from dashboard.db import Database
from dashboard.domain.column_types import UnknownStoredValue
from dashboard.domain.models import (
    LicenceHistory,
    LicenceKind,
    LicencePool,
    Organisation,
    OutboxEmail,
    OutboxStatus,
    Region,
    Role,
)
from tests.factories import make_history, make_organisation, make_pool, make_user

SUMMER = timezone(timedelta(hours=2))
# Migration 0002 widens SQLite's index on the history's time to hold the search text, on purpose.
SQLITE_ONLY_INDEXES = {'ix_licence_history_org_time', 'ix_licence_history_org_time_search'}


def test_an_enum_comes_back_as_its_member_from_a_row_and_from_a_column_select(session: Session) -> None:
    organisation = make_organisation(session, region='uk')
    pool = make_pool(session, organisation, 'on_demand')
    session.expire_all()

    loaded = session.get(LicencePool, pool.id)
    [(kind, region)] = session.exec(select(col(LicencePool.kind), col(Organisation.region))
                                    .join(Organisation, col(Organisation.id) == LicencePool.organisation_id)).all()

    assert loaded is not None and loaded.kind is LicenceKind.ON_DEMAND
    assert kind is LicenceKind.ON_DEMAND and region is Region.UK


def test_a_member_or_its_plain_value_can_be_written(session: Session) -> None:
    organisation = make_organisation(session)
    pool = make_pool(session, organisation, LicenceKind.MANAGED_AGENT)
    viewer = make_user(session, organisation, 'viewer')
    assert viewer.role is Role.VIEWER  # made from the plain value, before it is loaded again

    session.execute(update(LicencePool).where(col(LicencePool.id) == pool.id).values(kind='on_demand'))
    session.commit()
    session.expire_all()

    assert session.exec(select(col(LicencePool.kind))).one() is LicenceKind.ON_DEMAND


def test_a_value_the_enum_does_not_have_is_refused_when_written(session: Session) -> None:
    organisation = make_organisation(session)
    make_pool(session, organisation)

    with pytest.raises(ValueError, match="'site_licence' is not a valid LicenceKind"):
        LicencePool(organisation_id=organisation.id, kind='site_licence', total=1, in_use=0, expiry_date=date.today())
    with pytest.raises(StatementError, match="'site_licence' is not a valid LicenceKind"):
        session.execute(update(LicencePool).values(kind='site_licence'))


def test_a_filter_on_a_value_the_enum_does_not_have_matches_nothing(session: Session) -> None:
    make_pool(session, make_organisation(session))

    assert session.exec(select(LicencePool).where(col(LicencePool.kind) == 'site_licence')).all() == []


def test_a_stored_value_the_enum_does_not_have_is_named_when_read(session: Session) -> None:
    pool = make_pool(session, make_organisation(session))
    session.execute(text("UPDATE licence_pool SET kind = 'site_licence' WHERE id = :id"), {'id': pool.id})
    session.commit()
    session.expire_all()

    with pytest.raises(UnknownStoredValue, match=r"The database holds 'site_licence', which is not a LicenceKind "
                                                 r'\(one of managed_agent, on_demand\)\.'):
        session.get(LicencePool, pool.id)


def test_a_timestamp_without_a_zone_is_refused(session: Session) -> None:
    session.add(OutboxEmail(to_address='a@example.com', subject='Hello', body_text='Hello',
                            created_at=datetime(2026, 3, 1, 12, 0)))

    with pytest.raises(StatementError, match='timezone'):
        session.commit()


def test_a_timestamp_comes_back_in_utc_from_a_row_and_from_a_column_select(session: Session) -> None:
    make_history(session, make_organisation(session), occurred_at=datetime(2026, 3, 1, 14, 0, tzinfo=SUMMER))
    session.expire_all()

    from_row = session.exec(select(LicenceHistory)).one().occurred_at
    from_column = session.exec(select(col(LicenceHistory.occurred_at))).one()
    latest = session.exec(select(func.max(LicenceHistory.occurred_at))).one()

    for value in (from_row, from_column, latest):
        assert value == datetime(2026, 3, 1, 12, 0, tzinfo=UTC) and value.tzinfo is UTC


def test_an_update_returning_columns_gives_them_typed(session: Session) -> None:
    """As the outbox's delivery claims an email: a core UPDATE ... RETURNING, no ORM object."""
    session.add(OutboxEmail(to_address='a@example.com', subject='Hello', body_text='Hello',
                            created_at=datetime(2026, 3, 1, 14, 0, tzinfo=SUMMER)))
    session.commit()

    [(created_at, status)] = session.execute(update(OutboxEmail).values(status=OutboxStatus.SENDING)
                                             .returning(col(OutboxEmail.created_at), col(OutboxEmail.status))).all()

    assert created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC) and created_at.tzinfo is UTC
    assert status is OutboxStatus.SENDING


def test_every_timestamp_column_is_utc() -> None:
    timestamps = [column for table in SQLModel.metadata.tables.values() for column in table.columns
                  if isinstance(getattr(column.type, 'impl_instance', column.type), DateTime)]

    assert len(timestamps) > 20
    assert [str(column) for column in timestamps if not isinstance(column.type, UTCDateTime)] == []


def test_the_migrated_schema_is_the_one_the_models_describe(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={'compare_type': True})
        differences = compare_metadata(context, SQLModel.metadata)

    if db.is_sqlite:
        differences = [difference for difference in differences
                       if not (difference[0] in ('add_index', 'remove_index')
                               and difference[1].name in SQLITE_ONLY_INDEXES)]
    assert differences == []
