"""The Admin Team bringing a cancellation's date forward."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.deletion.requests import bring_deletion_forward
from dashboard.domain.errors import InvalidInput, NotFound, PermissionDenied
from dashboard.domain.models import AuditEntry
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.deletion.conftest import CONTACTS, EFFECTIVE, TODAY, Acme, emails, notices, requested, stored
from tests.factories import actor, make_deletion_request


def test_the_admin_team_brings_the_date_forward_and_the_contacts_are_told(db, session: Session,
                                                                          acme: Acme) -> None:
    request = requested(session, acme)
    sooner = date(2026, 7, 1)

    bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                           effective_date='2026-07-01', today=TODAY, vendor=DEFAULT_VENDOR)

    assert stored(db, request.id)[0].effective_date == sooner
    assert notices(db)[2:] == [('deletion_rescheduled', CONTACTS)]
    notice = emails(db)[2]
    assert notice.dedupe_key == f'deletion:{request.id}:rescheduled:2026-07-01'
    assert '1 Jul 2026' in notice.subject and '5 Mar 2027' in notice.body_text and 'NS-7781-QX' in notice.body_html
    with db.session() as fresh:
        entry = fresh.exec(select(AuditEntry).where(AuditEntry.action == 'deletion_brought_forward')).one()
    assert (entry.actor_name, entry.details) == ('Ada Admin', 'effective 2027-03-05 → 2026-07-01')
    assert advance_deletions(session=session, now=datetime(2026, 7, 1, 23, 59, tzinfo=UTC), vendor=DEFAULT_VENDOR) == 0
    assert advance_deletions(session=session, now=datetime(2026, 7, 2, 0, 1, tzinfo=UTC), vendor=DEFAULT_VENDOR) == 1


@pytest.mark.parametrize('who', ['sam', 'abe', 'greta'])
def test_only_the_admin_team_brings_a_date_forward(db, session: Session, acme: Acme, who: str) -> None:
    request = requested(session, acme)

    with pytest.raises(PermissionDenied):
        bring_deletion_forward(session=session, actor=actor(getattr(acme, who)),
                               organisation_id=acme.organisation.id, effective_date=date(2026, 7, 1), today=TODAY,
                               vendor=DEFAULT_VENDOR)
    assert stored(db, request.id)[0].effective_date == EFFECTIVE


@pytest.mark.parametrize(('new_date', 'message'), [
    ('2026-06-14', 'cannot be in the past'),
    ('2027-03-05', 'must be before the current one, 5 Mar 2027'),
    ('2027-04-01', 'must be before the current one'),
    ('tomorrow', 'is not a date'),
    ('', 'Enter the new effective date'),
])
def test_a_date_that_is_not_sooner_is_refused(db, session: Session, acme: Acme, new_date: str, message: str) -> None:
    request = requested(session, acme)

    with pytest.raises(InvalidInput, match=message):
        bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                               effective_date=new_date, today=TODAY, vendor=DEFAULT_VENDOR)
    assert stored(db, request.id)[0].effective_date == EFFECTIVE
    assert len(emails(db)) == 2


def test_today_is_the_soonest_and_nothing_open_is_not_found(db, session: Session, acme: Acme) -> None:
    with pytest.raises(NotFound, match='no pending deletion request'):
        bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                               effective_date=TODAY, today=TODAY, vendor=DEFAULT_VENDOR)
    request = requested(session, acme)
    bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                           effective_date=TODAY, today=TODAY, vendor=DEFAULT_VENDOR)
    assert stored(db, request.id)[0].effective_date == TODAY


def test_a_started_cancellation_cannot_be_moved(db, session: Session, acme: Acme) -> None:
    make_deletion_request(session, acme.organisation, status='in_progress')

    with pytest.raises(InvalidInput, match='already started'):
        bring_deletion_forward(session=session, actor=actor(acme.ada), organisation_id=acme.organisation.id,
                               effective_date=date(2026, 7, 1), today=TODAY, vendor=DEFAULT_VENDOR)
