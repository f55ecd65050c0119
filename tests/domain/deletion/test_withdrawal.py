"""Withdrawing a deletion request at each stage of the lifecycle."""

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from dashboard.domain.auth.accounts import authenticate
from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.deletion.purge import purge_personal_data
from dashboard.domain.deletion.requests import withdraw_deletion
from dashboard.domain.errors import InvalidInput
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.deletion.conftest import (
    CONTACTS,
    PASSWORD,
    SUPPORT,
    THE_DAY_AFTER,
    Acme,
    emails,
    notices,
    requested,
    stored,
)
from tests.factories import actor, make_deletion_request


def test_withdrawing_a_pending_request_notifies_and_stops_everything(db, session: Session, acme: Acme) -> None:
    request = requested(session, acme)

    withdraw_deletion(session=session, actor=actor(acme.greta), organisation_id=acme.organisation.id,
                      vendor=DEFAULT_VENDOR)
    assert advance_deletions(session=session, now=THE_DAY_AFTER + timedelta(days=1), vendor=DEFAULT_VENDOR) == 0
    assert purge_personal_data(session=session, now=THE_DAY_AFTER + timedelta(days=60)) == 0

    request, organisation = stored(db, request.id)
    assert (request.status, request.withdrawn_by_name, organisation.cancelled_at) == ('withdrawn', 'Greta Global',
                                                                                     None)
    assert notices(db)[2:] == [('deletion_withdrawn_support', SUPPORT), ('deletion_withdrawn', CONTACTS)]
    assert 'Greta Global' in emails(db)[3].body_text and 'NS-7781-QX' in emails(db)[3].subject
    assert authenticate(session=session, email='abe@acme.example', password=PASSWORD) is not None


def test_withdrawing_once_in_progress_is_refused(db, session: Session, acme: Acme) -> None:
    make_deletion_request(session, acme.organisation, status='in_progress')

    with pytest.raises(InvalidInput, match='already in progress and can no longer be withdrawn'):
        withdraw_deletion(session=session, actor=actor(acme.abe), organisation_id=acme.organisation.id,
                          vendor=DEFAULT_VENDOR)
    assert emails(db) == []


def test_withdrawing_after_completion_is_refused(db, session: Session, acme: Acme) -> None:
    requested(session, acme)
    advance_deletions(session=session, now=THE_DAY_AFTER, vendor=DEFAULT_VENDOR)
    before = len(emails(db))

    with pytest.raises(InvalidInput, match='The account was cancelled on 6 Mar 2027'):
        withdraw_deletion(session=session, actor=actor(acme.abe), organisation_id=acme.organisation.id,
                          vendor=DEFAULT_VENDOR)
    assert len(emails(db)) == before


def test_the_job_starting_first_wins_over_a_withdrawal(db, session: Session, acme: Acme) -> None:
    """The withdrawal read 'pending', then the job started the cancellation before it wrote."""
    request = requested(session, acme)

    jobs: list[int] = []

    def the_job_gets_there_first(state) -> None:
        if state.is_update and not jobs:
            with db.session() as job_session:
                jobs.append(advance_deletions(session=job_session, now=THE_DAY_AFTER, vendor=DEFAULT_VENDOR))
    event.listen(session, 'do_orm_execute', the_job_gets_there_first)

    with pytest.raises(InvalidInput, match='can no longer be withdrawn'):
        withdraw_deletion(session=session, actor=actor(acme.abe), organisation_id=acme.organisation.id,
                          vendor=DEFAULT_VENDOR)
    assert jobs == [1]
    assert stored(db, request.id)[0].withdrawn_at is None
