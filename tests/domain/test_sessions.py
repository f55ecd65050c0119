"""Sign-in sessions end when they should, and every ending is announced on the change feed, so that the open pages
of an ended session close without asking the database."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.auth.accounts import authenticate, set_password, set_user_active
from dashboard.domain.auth.models import SignInEvent, SignInEventKind, UserSession
from dashboard.domain.auth.sessions import (
    end_organisation_sessions,
    end_session,
    end_user_sessions,
    live_session,
    open_session,
    session_user_id,
)
from dashboard.domain.changes import SESSIONS_ENDED, Change
from dashboard.domain.errors import NotFound
from dashboard.domain.models import User
from dashboard.importer import import_directory
from tests.factories import make_organisation, make_user
from tests.importer.folders import GOOD, good_files, write_folder

IDLE = timedelta(hours=8)


@pytest.fixture
def ended(db: Database):
    """The session ids the change feed announced as ended."""
    heard: list[int] = []

    def listen(change: Change) -> None:
        if change.what == SESSIONS_ENDED:
            heard.extend(change.session_ids)
    unsubscribe = db.changes.subscribe(listen)
    yield heard
    unsubscribe()


def sign_in(db: Database, user_id: int) -> tuple[str, int]:
    with db.session() as session:
        token = open_session(session=session, user_id=user_id)
        session.commit()
        row = live_session(session=session, token=token, idle_timeout=IDLE)
        assert row is not None and row.id is not None
        return token, row.id


def user_of(db: Database, token: str) -> int | None:
    with db.session() as session:
        return session_user_id(session=session, token=token, idle_timeout=IDLE)


def test_log_out_ends_that_session_only_and_announces_it(db: Database, session: Session, ended: list[int]) -> None:
    user = make_user(session, make_organisation(session))
    first, first_id = sign_in(db, user.id)
    second, _ = sign_in(db, user.id)
    with db.session() as work:
        end_session(session=work, token=first, reason='signed_out')
        assert ended == []  # nothing before the commit
        work.commit()
    assert ended == [first_id]
    assert user_of(db, first) is None
    assert user_of(db, second) == user.id


def test_a_password_change_ends_every_session_and_is_logged(db: Database, session: Session,
                                                              ended: list[int]) -> None:
    user = make_user(session, make_organisation(session), email='pat@acme.test')
    tokens = [sign_in(db, user.id) for _ in range(3)]
    with db.session() as work:
        set_password(session=work, email='pat@acme.test', password='a brand new password')
    assert sorted(ended) == sorted(session_id for _, session_id in tokens)
    assert all(user_of(db, token) is None for token, _ in tokens)
    events = session.exec(select(SignInEvent).where(SignInEvent.user_id == user.id)).all()
    assert [event.kind for event in events] == [SignInEventKind.PASSWORD_CHANGED]


def test_a_deactivation_ends_every_session_and_refuses_the_password(db: Database, session: Session,
                                                                      ended: list[int]) -> None:
    user = make_user(session, make_organisation(session), email='pat@acme.test')
    set_password(session=session, email='pat@acme.test', password='a long password')
    tokens = [sign_in(db, user.id) for _ in range(2)]
    ended.clear()
    with db.session() as work:
        set_user_active(session=work, email='PAT@acme.test', active=False)
    assert sorted(ended) == sorted(session_id for _, session_id in tokens)
    assert all(user_of(db, token) is None for token, _ in tokens)
    with db.session() as work:
        assert authenticate(session=work, email='pat@acme.test', password='a long password') is None
    with db.session() as work:
        set_user_active(session=work, email='pat@acme.test', active=True)
        assert authenticate(session=work, email='pat@acme.test', password='a long password') is not None
    with pytest.raises(NotFound), db.session() as work:
        set_user_active(session=work, email='nobody@acme.test', active=False)


def test_a_password_change_may_keep_the_session_that_made_it(db: Database, session: Session) -> None:
    user = make_user(session, make_organisation(session), email='pat@acme.test')
    kept, _ = sign_in(db, user.id)
    other, _ = sign_in(db, user.id)
    with db.session() as work:
        set_password(session=work, email='pat@acme.test', password='a brand new password', keep_token=kept)
    assert user_of(db, kept) == user.id
    assert user_of(db, other) is None


def test_ending_a_users_sessions_leaves_other_users_signed_in(db: Database, session: Session) -> None:
    organisation = make_organisation(session)
    pat, sam = make_user(session, organisation), make_user(session, organisation)
    pats, _ = sign_in(db, pat.id)
    sams, _ = sign_in(db, sam.id)
    with db.session() as work:
        assert end_user_sessions(session=work, user_id=pat.id, reason='deactivated') == 1
        work.commit()
    assert (user_of(db, pats), user_of(db, sams)) == (None, sam.id)


def test_a_cancelled_organisation_loses_every_session(db: Database, session: Session, ended: list[int]) -> None:
    organisation, elsewhere = make_organisation(session), make_organisation(session)
    inside = [sign_in(db, make_user(session, organisation).id) for _ in range(2)]
    outside, _ = sign_in(db, make_user(session, elsewhere).id)
    with db.session() as work:
        assert end_organisation_sessions(session=work, organisation_id=organisation.id, reason='cancelled') == 2
        work.commit()
    assert sorted(ended) == sorted(session_id for _, session_id in inside)
    assert user_of(db, outside) is not None


def test_an_idle_session_ends_when_next_seen_and_is_announced(db: Database, session: Session,
                                                             ended: list[int]) -> None:
    user = make_user(session, make_organisation(session))
    token, session_id = sign_in(db, user.id)
    later = clock.now() + IDLE - timedelta(minutes=1)
    with db.session() as work:
        assert session_user_id(session=work, token=token, idle_timeout=IDLE, now=later) == user.id  # seen: touched
    much_later = later + IDLE + timedelta(seconds=1)
    with db.session() as work:
        assert session_user_id(session=work, token=token, idle_timeout=IDLE, now=much_later) is None
    assert ended == [session_id]
    row = session.exec(select(UserSession).where(UserSession.id == session_id)).one()
    session.refresh(row)
    assert row.end_reason == 'idle'


def test_looking_without_touching_keeps_the_idle_clock_running(db: Database, session: Session) -> None:
    user = make_user(session, make_organisation(session))
    token, _ = sign_in(db, user.id)
    later = clock.now() + timedelta(hours=7)
    with db.session() as work:
        assert live_session(session=work, token=token, idle_timeout=IDLE, now=later, touch=False) is not None
    with db.session() as work:
        assert live_session(session=work, token=token, idle_timeout=IDLE, now=later + timedelta(hours=2)) is None


@pytest.mark.parametrize('token', ['', 'x' * 101, 'not-a-token'])
def test_a_made_up_token_signs_nobody_in(db: Database, token: str) -> None:
    assert user_of(db, token) is None


def test_a_reimport_that_changes_a_role_or_organisation_ends_that_users_sessions(
    db: Database, session: Session, tmp_path: Path, ended: list[int]
) -> None:
    import_directory(db=db, directory=write_folder(tmp_path / 'first', good_files()))
    ids = dict(session.exec(select(User.email_key, User.id)).all())
    ann, ann_id = sign_in(db, ids['ann@acme.test'])
    bob, bob_id = sign_in(db, ids['bob@globex.test'])
    sam, _ = sign_in(db, ids['sam@vendor.test'])
    changed = good_files(users=[
        GOOD['users.csv'][0],
        'SN-1,Ann Admin,ann@acme.test,+44 20 7946 0001,viewer',  # another role
        'SN-1,Bob Viewer,bob@globex.test,,viewer',  # another organisation
        ',Sam Sales,sam@vendor.test,+44 1,sales',  # only the phone: stays signed in
    ])
    import_directory(db=db, directory=write_folder(tmp_path / 'second', changed))
    assert sorted(ended) == sorted([ann_id, bob_id])
    assert (user_of(db, ann), user_of(db, bob), user_of(db, sam)) == (None, None, ids['sam@vendor.test'])
