"""Changing the main contact: saved at once, audited, and only ever one of the organisation's own users."""

import pytest
from sqlmodel import Session, select

from dashboard.db import Database
from dashboard.domain.billing.licence_details import change_main_contact
from dashboard.domain.errors import InvalidInput
from dashboard.domain.models import AuditEntry, Organisation, User
from tests.factories import actor, make_organisation, make_user


@pytest.fixture
def organisation(session: Session) -> Organisation:
    return make_organisation(session)


@pytest.fixture
def admin(session: Session, organisation: Organisation) -> User:
    return make_user(session, organisation, 'billing_admin', full_name='Abe Admin')


def stored(db: Database, organisation: Organisation) -> tuple[int | None, list[tuple[str, str, str, int]]]:
    """The main contact in the database, and the audit log as (action, actor, details, organisation)."""
    with db.session() as session:
        audit = session.exec(select(AuditEntry.action, AuditEntry.actor_name, AuditEntry.details,
                                    AuditEntry.organisation_id).order_by(AuditEntry.id)).all()
        return session.get(Organisation, organisation.id).main_contact_id, [tuple(row) for row in audit]


def test_the_new_main_contact_is_saved_and_audited(db, session: Session, organisation: Organisation,
                                                    admin: User) -> None:
    contact = make_user(session, organisation, 'user', full_name='Mia Miller')

    change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=contact.id)

    assert stored(db, organisation) == (
        contact.id, [('main_contact_changed', 'Abe Admin', 'none → Mia Miller', organisation.id)])


def test_changing_from_one_contact_to_another_names_both(db, session: Session, organisation: Organisation,
                                                         admin: User) -> None:
    first = make_user(session, organisation, 'user', full_name='Mia Miller')
    second = make_user(session, organisation, 'viewer', full_name='Noah North')
    change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=first.id)

    change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=second.id)

    main_contact_id, audit = stored(db, organisation)
    assert main_contact_id == second.id
    assert [details for _, _, details, _ in audit] == ['none → Mia Miller', 'Mia Miller → Noah North']


def test_the_admin_may_choose_themselves(db, session: Session, organisation: Organisation, admin: User) -> None:
    change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=admin.id)

    assert stored(db, organisation)[0] == admin.id


@pytest.mark.parametrize('had_one', [True, False])
def test_no_contact_is_refused_and_changes_nothing(db, session: Session, organisation: Organisation, admin: User,
                                                   had_one: bool) -> None:
    """The page never offers "none": a forged None (or an imported organisation with none) keeps what is stored."""
    if had_one:
        contact = make_user(session, organisation, 'user', full_name='Mia Miller')
        change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=contact.id)
    before = stored(db, organisation)

    with pytest.raises(InvalidInput, match='one of this organisation\'s users'):
        change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=None)

    assert stored(db, organisation) == before


def test_setting_the_same_contact_again_writes_no_audit_row(db, session: Session, organisation: Organisation,
                                                            admin: User) -> None:
    contact = make_user(session, organisation, 'user')
    change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=contact.id)
    before = stored(db, organisation)

    change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=contact.id)

    assert stored(db, organisation) == before
    assert len(before[1]) == 1


@pytest.mark.parametrize('who', ['user of another organisation', 'vendor staff', 'deactivated user', 'nobody'])
def test_only_an_active_user_of_the_organisation_may_be_the_contact(
        db, session: Session, organisation: Organisation, admin: User, who: str) -> None:
    current = make_user(session, organisation, 'user', full_name='Mia Miller')
    change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=current.id)
    before = stored(db, organisation)
    candidates = {
        'user of another organisation': lambda: make_user(session, make_organisation(session)).id,
        'vendor staff': lambda: make_user(session, None, 'sales').id,
        'deactivated user': lambda: make_user(session, organisation, 'user', is_active=False).id,
        'nobody': lambda: current.id + 1000,
    }
    user_id = candidates[who]()

    with pytest.raises(InvalidInput, match='one of this organisation\'s users'):
        change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id, user_id=user_id)

    assert stored(db, organisation) == before


def test_the_audit_names_the_actor_not_the_contact(db, session: Session, organisation: Organisation) -> None:
    global_admin = make_user(session, organisation, 'global_admin', full_name='Gia Global')
    contact = make_user(session, organisation, 'user', full_name='Mia Miller')

    change_main_contact(session=session, actor=actor(global_admin), organisation_id=organisation.id,
                        user_id=contact.id)

    assert stored(db, organisation)[1][0][1] == 'Gia Global'


FORGED_IDS = {
    'text': lambda own_id: 'abc',
    'own id as text': str,
    'own id as a float': float,
    'own id in a list': lambda own_id: [own_id],
    'True, which is 1 to Python': lambda own_id: True,
}


@pytest.mark.parametrize('forged', FORGED_IDS)
def test_a_forged_user_id_that_is_not_a_whole_number_is_refused(
        db, session: Session, organisation: Organisation, admin: User, forged: str) -> None:
    assert admin.id == 1, 'the True case needs the admin to be user 1'

    with pytest.raises(InvalidInput, match='one of this organisation\'s users'):
        change_main_contact(session=session, actor=actor(admin), organisation_id=organisation.id,
                            user_id=FORGED_IDS[forged](admin.id))

    assert stored(db, organisation) == (None, [])
