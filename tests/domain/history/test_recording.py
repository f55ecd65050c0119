"""Recording licence history: record_history and row_hash."""

from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from dashboard.domain import clock
from dashboard.domain.history.recording import record_history, row_hash
from dashboard.domain.models import HistoryAction, LicenceHistory, LicenceKind, Organisation
from tests.domain.history.conftest import at


def test_record_history_commits_with_the_callers_transaction(db, session: Session, organisation: Organisation) -> None:
    record_history(session=session, organisation_id=organisation.id, actor='Abe', action=HistoryAction.OTHER,
                   note='rolled back')
    session.rollback()
    record_history(session=session, organisation_id=organisation.id, actor='Abe',
                   action=HistoryAction.LICENCES_INCREASED, kind=LicenceKind.ON_DEMAND, old_value=5, new_value=8,
                   note='kept', by_vendor=True, occurred_at=at(5))
    session.commit()

    with db.session() as fresh:
        [row] = fresh.exec(select(LicenceHistory)).all()
    assert (row.organisation_id, row.actor, row.by_vendor, row.action, row.kind, row.old_value, row.new_value,
            row.note) == (organisation.id, 'Abe', True, 'licences_increased', 'on_demand', '5', '8', 'kept')
    assert row.occurred_at == at(5)


def test_record_history_stamps_the_current_time(db, session: Session, organisation: Organisation) -> None:
    before = clock.now()
    record_history(session=session, organisation_id=organisation.id, actor='Abe', action=HistoryAction.OTHER)
    session.commit()

    with db.session() as fresh:
        assert before <= fresh.exec(select(LicenceHistory.occurred_at)).one() <= clock.now()


def test_row_hash_is_the_same_for_the_same_instant_in_any_zone() -> None:
    values = {'actor': 'A', 'action': 'other', 'kind': None, 'old_value': None, 'new_value': '1', 'note': None}
    in_berlin = datetime(2026, 3, 5, 13, 0, tzinfo=timezone(timedelta(hours=1)))

    assert row_hash(occurred_at=at(5), **values) == row_hash(occurred_at=in_berlin, **values)
    assert row_hash(occurred_at=at(5), **values) != row_hash(occurred_at=at(5), **{**values, 'new_value': '2'})
