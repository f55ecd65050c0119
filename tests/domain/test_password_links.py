"""Password resets and invitations by single-use links: what a stranger learns, what a link opens, and when not."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from dashboard.domain import clock
from dashboard.domain.auth import links
from dashboard.domain.auth.accounts import authenticate
from dashboard.domain.auth.invitations import (
    invite_everyone_without_password,
    invite_user,
    organisation_people,
)
from dashboard.domain.auth.links import LinkNotValid, check_link, request_password_reset, use_link
from dashboard.domain.auth.models import AccountLink, AccountLinkPurpose, SignInEvent, SignInEventKind, UserSession
from dashboard.domain.auth.sessions import open_session, session_user_id
from dashboard.domain.errors import InvalidInput, NotFound, PermissionDenied
from dashboard.domain.mail.outbox_view import outbox_bodies
from dashboard.domain.models import OutboxEmail, User
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.factories import actor, make_organisation, make_user

URL = 'https://portal.example'
NEW_PASSWORD = 'a brand new password'


@pytest.fixture
def person(session) -> User:
    return make_user(session, make_organisation(session), 'viewer', email='Pat@Example.com', full_name='Pat Person',
                     password_hash='old-hash')


def emailed_token(session, to: str | None = None) -> str:
    """The token in the newest email's link, as the person would click it."""
    query = select(OutboxEmail).order_by(col(OutboxEmail.id).desc())
    email = session.exec(query.where(OutboxEmail.to_address == to) if to else query).first()
    assert email is not None, 'no email was queued'
    return re.search(rf'{URL}/set-password\?token=([A-Za-z0-9_-]+)', email.body_text).group(1)


def outbox(session) -> list[OutboxEmail]:
    return list(session.exec(select(OutboxEmail)).all())


def test_a_reset_link_sets_the_password_once(session, person) -> None:
    request_password_reset(session=session, email=' pat@EXAMPLE.com ', public_url=URL, client_address='10.0.0.1',
                           vendor=DEFAULT_VENDOR)
    [email] = outbox(session)
    assert email.to_address == 'Pat@Example.com' and email.kind == 'password_reset'
    assert email.subject == 'Reset your 247connect password'
    assert 'within 1 hour:' in email.body_text and 'Pat Person' in email.body_html
    token = emailed_token(session)
    stored = session.exec(select(AccountLink)).one()
    assert stored.token_hash != token and token not in stored.token_hash  # only the hash is kept
    assert stored.expires_at - stored.created_at == timedelta(hours=1)
    assert check_link(session=session, token=token) is AccountLinkPurpose.PASSWORD_RESET

    used = use_link(session=session, token=token, password=NEW_PASSWORD, password_again=NEW_PASSWORD)

    assert used.email == 'Pat@Example.com'
    assert authenticate(session=session, email='pat@example.com', password=NEW_PASSWORD) is not None
    with pytest.raises(LinkNotValid):
        use_link(session=session, token=token, password='another password!', password_again='another password!')
    assert authenticate(session=session, email='pat@example.com', password=NEW_PASSWORD) is not None
    kinds = session.exec(select(SignInEvent.kind).order_by(col(SignInEvent.id))).all()
    assert kinds == [SignInEventKind.RESET_REQUESTED, SignInEventKind.PASSWORD_RESET]


def test_using_a_link_ends_every_session_of_the_user(session, person) -> None:
    tokens = [open_session(session=session, user_id=person.id) for _ in range(2)]
    session.commit()
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)

    use_link(session=session, token=emailed_token(session), password=NEW_PASSWORD, password_again=NEW_PASSWORD)

    for token in tokens:
        assert session_user_id(session=session, token=token, idle_timeout=timedelta(hours=8)) is None
    assert {row.end_reason for row in session.exec(select(UserSession)).all()} == {'password_reset'}
    event = session.exec(select(SignInEvent).where(SignInEvent.kind == SignInEventKind.PASSWORD_RESET)).one()
    assert event.detail == '2 other sessions ended'


def test_an_expired_link_is_refused(session, person, monkeypatch) -> None:
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)
    token = emailed_token(session)
    later = clock.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(clock, 'now', lambda: later)

    with pytest.raises(LinkNotValid):
        use_link(session=session, token=token, password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    assert session.get(User, person.id).password_hash == 'old-hash'


@pytest.mark.parametrize('token', ['', 'x', 'A' * 43, 'A' * 5000, '../../etc/passwd', 'abc def', "' OR 1=1 --",
                                   'Zm9v\x00bar'])
def test_unknown_forged_and_overlong_tokens_are_refused_alike(session, person, token) -> None:
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)
    with pytest.raises(LinkNotValid) as refused:
        use_link(session=session, token=token, password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    assert str(refused.value) == links.LINK_NOT_VALID
    with pytest.raises(LinkNotValid):
        check_link(session=session, token=token)
    assert session.get(User, person.id).password_hash == 'old-hash'


def test_the_hash_of_a_token_is_not_a_token(session, person) -> None:
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)
    stored = session.exec(select(AccountLink)).one()
    with pytest.raises(LinkNotValid):
        use_link(session=session, token=stored.token_hash, password=NEW_PASSWORD, password_again=NEW_PASSWORD)


def test_a_newer_reset_link_voids_the_older_one(session, person) -> None:
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)
    older = emailed_token(session)
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)
    newer = emailed_token(session)

    with pytest.raises(LinkNotValid):
        use_link(session=session, token=older, password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    use_link(session=session, token=newer, password=NEW_PASSWORD, password_again=NEW_PASSWORD)


@pytest.mark.parametrize('password, again, message', [
    ('short', 'short', 'at least 10 characters'),
    ('x' * 257, 'x' * 257, 'at most 256 characters'),
    ('a long password', 'a long passw0rd', 'not the same'),
])
def test_a_password_that_will_not_do_leaves_the_link_usable(session, person, password, again, message) -> None:
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)
    token = emailed_token(session)
    with pytest.raises(InvalidInput, match=message):
        use_link(session=session, token=token, password=password, password_again=again)
    assert session.get(User, person.id).password_hash == 'old-hash'
    use_link(session=session, token=token, password=NEW_PASSWORD, password_again=NEW_PASSWORD)


def test_deactivated_users_and_cancelled_organisations_get_no_link_and_the_same_answer(session, person) -> None:
    deactivated = make_user(session, make_organisation(session), 'viewer', is_active=False)
    cancelled = make_user(session, make_organisation(session, cancelled_at=datetime(2026, 1, 1, tzinfo=UTC)), 'viewer')
    answers = {request_password_reset(session=session, email=email, public_url=URL, vendor=DEFAULT_VENDOR)
               for email in [deactivated.email, cancelled.email, 'nobody@example.com', person.email]}
    assert answers == {None}
    assert [email.to_address for email in outbox(session)] == [person.email]
    events = session.exec(select(SignInEvent).order_by(col(SignInEvent.id))).all()
    assert [event.user_id for event in events] == [None, None, None, person.id]
    assert [event.email for event in events][:3] == [deactivated.email, cancelled.email, 'nobody@example.com']


def test_a_link_stops_working_once_its_user_is_deactivated(session, person) -> None:
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)
    token = emailed_token(session)
    person.is_active = False
    session.add(person)
    session.commit()
    with pytest.raises(LinkNotValid):
        use_link(session=session, token=token, password=NEW_PASSWORD, password_again=NEW_PASSWORD)


def test_nobody_can_have_a_person_mail_bombed(session, person) -> None:
    for n in range(links.RESETS_PER_ACCOUNT + 3):
        request_password_reset(session=session, email=person.email, public_url=URL, client_address=f'10.0.0.{n}',
                               vendor=DEFAULT_VENDOR)
    assert len(outbox(session)) == links.RESETS_PER_ACCOUNT


def test_one_address_cannot_ask_for_resets_without_end(session) -> None:
    organisation = make_organisation(session)
    people = [make_user(session, organisation, 'viewer') for _ in range(links.RESETS_PER_ADDRESS + 2)]
    for someone in people:
        request_password_reset(session=session, email=someone.email, public_url=URL, client_address='192.0.2.7',
                               vendor=DEFAULT_VENDOR)
    assert len(outbox(session)) == links.RESETS_PER_ADDRESS
    request_password_reset(session=session, email=people[-1].email, public_url=URL, client_address='192.0.2.8',
                           vendor=DEFAULT_VENDOR)
    assert len(outbox(session)) == links.RESETS_PER_ADDRESS + 1


def test_the_admin_team_invites_a_user_without_a_password(session) -> None:
    organisation = make_organisation(session)
    admin = make_user(session, None, 'vendor_admin', full_name='Ada Admin')
    imported = make_user(session, organisation, 'viewer', full_name='Ivo Imported')

    expires = invite_user(session=session, actor=actor(admin), user_id=imported.id, public_url=URL,
                          vendor=DEFAULT_VENDOR)

    [email] = outbox(session)
    assert email.kind == 'invitation' and email.to_address == imported.email
    assert email.subject == 'Your invitation to the 247connect Web Portal'
    assert 'within 3 days' in email.body_text
    assert expires - clock.now() > timedelta(hours=71)
    people = organisation_people(session=session, actor=actor(admin), organisation_id=organisation.id)
    assert [(p.name, p.has_password, p.invited_until is not None) for p in people.people] == \
        [('Ivo Imported', False, True)]
    token = emailed_token(session)
    assert use_link(session=session, token=token, password=NEW_PASSWORD, password_again=NEW_PASSWORD).purpose \
        is AccountLinkPurpose.INVITATION
    assert SignInEventKind.INVITATION_ACCEPTED in session.exec(select(SignInEvent.kind)).all()
    people = organisation_people(session=session, actor=actor(admin), organisation_id=organisation.id)
    assert [(p.has_password, p.invited_until) for p in people.people] == [(True, None)]


def test_only_the_admin_team_invites(session) -> None:
    organisation = make_organisation(session)
    imported = make_user(session, organisation, 'viewer')
    for role in ['sales', 'global_admin']:
        caller = make_user(session, None if role == 'sales' else organisation, role)
        with pytest.raises(PermissionDenied):
            invite_user(session=session, actor=actor(caller), user_id=imported.id, public_url=URL,
                        vendor=DEFAULT_VENDOR)
        with pytest.raises(PermissionDenied):
            invite_everyone_without_password(session=session, actor=actor(caller), organisation_id=organisation.id,
                                             public_url=URL, vendor=DEFAULT_VENDOR)
    assert outbox(session) == []


def test_who_cannot_be_invited(session, person) -> None:
    admin = actor(make_user(session, None, 'vendor_admin'))
    gone = make_user(session, make_organisation(session), 'viewer', is_active=False)
    staff = make_user(session, None, 'sales')
    for user, error in [(person, InvalidInput), (gone, InvalidInput), (staff, NotFound)]:
        with pytest.raises(error):
            invite_user(session=session, actor=admin, user_id=user.id, public_url=URL, vendor=DEFAULT_VENDOR)
    with pytest.raises(NotFound):
        invite_user(session=session, actor=admin, user_id=10**9, public_url=URL, vendor=DEFAULT_VENDOR)
    assert outbox(session) == []


def test_invite_everyone_without_a_password_sends_nothing_twice(session) -> None:
    organisation = make_organisation(session)
    admin = actor(make_user(session, None, 'vendor_admin'))
    without = [make_user(session, organisation, 'viewer') for _ in range(3)]
    make_user(session, organisation, 'viewer', password_hash='set')
    make_user(session, organisation, 'viewer', is_active=False)

    assert invite_everyone_without_password(session=session, actor=admin, organisation_id=organisation.id,
                                            public_url=URL, vendor=DEFAULT_VENDOR) == 3
    assert invite_everyone_without_password(session=session, actor=admin, organisation_id=organisation.id,
                                            public_url=URL, vendor=DEFAULT_VENDOR) == 0
    assert sorted(email.to_address for email in outbox(session)) == sorted(user.email for user in without)


def test_a_new_invitation_voids_the_older_one_but_not_a_reset(session) -> None:
    admin = actor(make_user(session, None, 'vendor_admin'))
    imported = make_user(session, make_organisation(session), 'viewer')
    invite_user(session=session, actor=admin, user_id=imported.id, public_url=URL, vendor=DEFAULT_VENDOR)
    first = emailed_token(session)
    invite_user(session=session, actor=admin, user_id=imported.id, public_url=URL, vendor=DEFAULT_VENDOR)
    with pytest.raises(LinkNotValid):
        check_link(session=session, token=first)
    second = emailed_token(session)
    request_password_reset(session=session, email=imported.email, public_url=URL, vendor=DEFAULT_VENDOR)
    assert check_link(session=session, token=second) is AccountLinkPurpose.INVITATION


def test_the_outbox_page_never_shows_a_link_token(session, person) -> None:
    reader = actor(make_user(session, None, 'sales'))
    request_password_reset(session=session, email=person.email, public_url=URL, vendor=DEFAULT_VENDOR)
    token = emailed_token(session)
    [email] = outbox(session)
    bodies = outbox_bodies(session=session, actor=reader, email_id=email.id)
    assert token not in bodies.body_text and token not in (bodies.body_html or '')
    assert 'token=[hidden]' in bodies.body_text


def test_an_address_throttle_counts_only_its_window(session, person, monkeypatch) -> None:
    start = datetime.now(UTC)
    for n in range(links.RESETS_PER_ADDRESS):
        request_password_reset(session=session, email=f'nobody{n}@example.com', public_url=URL,
                               client_address='192.0.2.9', now=start, vendor=DEFAULT_VENDOR)
    request_password_reset(session=session, email=person.email, public_url=URL, client_address='192.0.2.9', now=start,
                           vendor=DEFAULT_VENDOR)
    assert outbox(session) == []
    request_password_reset(session=session, email=person.email, public_url=URL, client_address='192.0.2.9',
                           now=start + links.RESETS_PER_ADDRESS_WINDOW + timedelta(seconds=1), vendor=DEFAULT_VENDOR)
    assert len(outbox(session)) == 1
