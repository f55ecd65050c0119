"""Passwords and sign-in: `set_password`, `authenticate` and `active_user`."""

from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session

from dashboard.domain.auth.accounts import active_user, authenticate, set_password
from dashboard.domain.errors import InvalidInput, NotFound
from dashboard.domain.models import User
from tests.factories import make_organisation, make_user

PASSWORD = 'correct horse battery'
# A real argon2 hash with cheap parameters, so that sign-in tests do not each spend a tenth of a second hashing.
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


@pytest.fixture
def user(session: Session) -> User:
    return make_user(session, make_organisation(session), email='Anna.Admin@Example.com', password_hash=CHEAP_HASH)


def test_set_password_stores_an_argon2_hash_that_verifies(db, session: Session) -> None:
    user = make_user(session, make_organisation(session))

    set_password(session=session, email=user.email, password='a long enough one')

    with db.session() as fresh:
        stored = fresh.get(User, user.id).password_hash
    assert stored.startswith('$argon2')
    assert 'a long enough one' not in stored
    assert PasswordHasher().verify(stored, 'a long enough one')
    assert authenticate(session=session, email=user.email, password='a long enough one').id == user.id


def test_set_password_finds_the_email_in_any_case(session: Session) -> None:
    user = make_user(session, make_organisation(session), email='mixed.Case@example.com')

    set_password(session=session, email='  MIXED.case@EXAMPLE.COM ', password='0123456789')

    assert authenticate(session=session, email='mixed.case@example.com', password='0123456789').id == user.id


@pytest.mark.parametrize('password', ['', 'short', '123456789'])
def test_set_password_refuses_fewer_than_ten_characters(db, user: User, session: Session, password: str) -> None:
    with pytest.raises(InvalidInput, match='at least 10 characters'):
        set_password(session=session, email=user.email, password=password)

    with db.session() as fresh:
        assert fresh.get(User, user.id).password_hash == CHEAP_HASH


def test_set_password_refuses_an_unknown_email(session: Session) -> None:
    with pytest.raises(NotFound, match='nobody@example.com'):
        set_password(session=session, email='nobody@example.com', password='a long enough one')


def test_authenticate_with_the_right_password_gives_the_user(user: User, session: Session) -> None:
    assert authenticate(session=session, email='Anna.Admin@Example.com', password=PASSWORD).id == user.id


@pytest.mark.parametrize('email', ['anna.admin@example.com', 'ANNA.ADMIN@EXAMPLE.COM', ' anna.admin@example.com '])
def test_authenticate_ignores_the_case_of_the_email(user: User, session: Session, email: str) -> None:
    assert authenticate(session=session, email=email, password=PASSWORD).id == user.id


@pytest.mark.parametrize(('email', 'password'), [
    ('anna.admin@example.com', 'correct horse battery!'),
    ('anna.admin@example.com', 'Correct horse battery'),
    ('anna.admin@example.com', ''),
    ('nobody@example.com', PASSWORD),
    ('', PASSWORD),
    ('', ''),
])
def test_authenticate_refuses_wrong_credentials(user: User, session: Session, email: str, password: str) -> None:
    assert authenticate(session=session, email=email, password=password) is None


@pytest.mark.parametrize('password', ['not a real password', PASSWORD])
def test_authenticate_refuses_a_user_without_a_password(session: Session, password: str) -> None:
    user = make_user(session, make_organisation(session))

    assert authenticate(session=session, email=user.email, password=password) is None


def test_authenticate_refuses_a_deactivated_user(user: User, session: Session) -> None:
    user.is_active = False
    session.add(user)
    session.commit()

    assert authenticate(session=session, email=user.email, password=PASSWORD) is None


def test_authenticate_refuses_a_user_of_a_cancelled_organisation(user: User, session: Session) -> None:
    organisation = make_organisation(session, cancelled_at=datetime(2026, 1, 1, tzinfo=UTC))
    member = make_user(session, organisation, password_hash=CHEAP_HASH)

    assert authenticate(session=session, email=member.email, password=PASSWORD) is None
    assert authenticate(session=session, email=user.email, password=PASSWORD).id == user.id


def test_authenticate_lets_vendor_staff_without_an_organisation_in(session: Session) -> None:
    vendor = make_user(session, None, role='sales', password_hash=CHEAP_HASH)

    assert authenticate(session=session, email=vendor.email, password=PASSWORD).id == vendor.id


def test_active_user_gives_the_user_while_allowed(user: User, session: Session) -> None:
    vendor = make_user(session, None, role='vendor_admin')

    assert active_user(session=session, user_id=user.id).id == user.id
    assert active_user(session=session, user_id=vendor.id).id == vendor.id


def test_active_user_refuses_no_id_an_unknown_id_and_a_deactivated_user(user: User, session: Session) -> None:
    assert active_user(session=session, user_id=None) is None
    assert active_user(session=session, user_id=user.id + 1000) is None

    user.is_active = False
    session.add(user)
    session.commit()
    assert active_user(session=session, user_id=user.id) is None


def test_active_user_refuses_a_session_once_the_organisation_is_cancelled(user: User, session: Session) -> None:
    assert active_user(session=session, user_id=user.id) is not None

    organisation = make_organisation(session)
    member = make_user(session, organisation)
    organisation.cancelled_at = datetime(2026, 1, 1, tzinfo=UTC)
    session.add(organisation)
    session.commit()

    assert active_user(session=session, user_id=member.id) is None
    assert active_user(session=session, user_id=user.id).id == user.id
