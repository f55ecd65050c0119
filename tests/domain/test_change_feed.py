"""The change feed: a committed change reaches every listener once; a rolled-back one reaches none."""

import threading

import pytest

from dashboard.domain.billing.licence_details import change_main_contact
from dashboard.domain.changes import Change, announce
from dashboard.domain.deletion.requests import request_deletion
from dashboard.domain.errors import PermissionDenied
from dashboard.domain.vendor import DEFAULT_VENDOR
from dashboard.live import LocalChangeFeed
from tests.factories import actor, make_organisation, make_user


@pytest.fixture
def heard(db):
    changes: list[Change] = []
    unsubscribe = db.changes.subscribe(changes.append)
    yield changes
    unsubscribe()


def test_a_committed_change_is_published_once_per_organisation_and_kind(db, heard):
    with db.session() as session:
        announce(session, 7, 'licences_increased')
        announce(session, 7, 'licences_increased')
        announce(session, 8, 'expiry_changed')
        assert heard == []  # nothing before the commit
        session.commit()
    assert heard == [Change(7, 'licences_increased'), Change(8, 'expiry_changed')]


def test_a_rolled_back_change_is_never_published(db, heard):
    with db.session() as session:
        announce(session, 7, 'licences_increased')
        session.rollback()
        session.commit()
    assert heard == []


def test_domain_operations_announce_what_they_change(db, session, heard):
    organisation = make_organisation(session)
    admin = make_user(session, organisation, 'global_admin')
    other = make_user(session, organisation, 'viewer')
    heard.clear()
    with db.session() as work:
        change_main_contact(session=work, actor=actor(admin), organisation_id=organisation.id, user_id=other.id)
        request_deletion(session=work, actor=actor(admin), organisation_id=organisation.id, vendor=DEFAULT_VENDOR)
    assert heard == [Change(organisation.id, 'main_contact_changed'), Change(organisation.id, 'deletion_requested')]


def test_a_refused_operation_announces_nothing(db, session, heard):
    organisation = make_organisation(session)
    viewer = make_user(session, organisation, 'viewer')
    heard.clear()
    with db.session() as work, pytest.raises(PermissionDenied):
        request_deletion(session=work, actor=actor(viewer), organisation_id=organisation.id, vendor=DEFAULT_VENDOR)
    assert heard == []


def test_unsubscribed_listeners_hear_nothing_more_and_a_failing_one_does_not_stop_the_others():
    feed = LocalChangeFeed()
    first: list[Change] = []
    second: list[Change] = []

    def broken(change: Change) -> None:
        raise RuntimeError('page gone')

    stop_first = feed.subscribe(first.append)
    feed.subscribe(broken)
    feed.subscribe(second.append)
    feed.publish([Change(1, 'a')])
    stop_first()
    feed.publish([Change(2, 'b')])
    assert first == [Change(1, 'a')]
    assert second == [Change(1, 'a'), Change(2, 'b')]
    assert feed.listener_count == 2


def test_changes_committed_on_other_threads_reach_the_listener(db, heard):
    def commit(n: int) -> None:
        with db.session() as session:
            announce(session, n, 'other')
            session.commit()

    threads = [threading.Thread(target=commit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(change.organisation_id for change in heard) == list(range(8))
