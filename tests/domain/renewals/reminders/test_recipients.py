"""Who gets a renewal reminder: the main contact and the active billing users, once each, and nobody at an
organisation that is cancelled, deleted or leaving."""

from datetime import timedelta

from sqlmodel import Session

from dashboard.domain.renewals.reminders import queue_renewal_reminders
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.renewals.reminders.conftest import NOW, account, at, days, sent
from tests.factories import make_deletion_request, make_organisation, make_pool, make_user


def test_the_main_contact_and_the_active_billing_users_get_it_once_each(db, session: Session) -> None:
    organisation = make_organisation(session)
    main = make_user(session, organisation, 'viewer', email='Main@example.com')
    make_user(session, organisation, 'global_admin', email='global@example.com')
    make_user(session, organisation, 'billing_admin', email='billing@example.com')
    make_user(session, organisation, 'billing_admin', email='gone@example.com', is_active=False)
    make_user(session, organisation, 'viewer', email='viewer@example.com')
    make_user(session, organisation, 'user', email='user@example.com')
    make_user(session, None, 'vendor_admin', email='vendor@example.com')
    other = make_organisation(session)
    make_user(session, other, 'billing_admin', email='other@example.com')
    organisation.main_contact_id = main.id
    session.add(organisation)
    session.commit()
    make_pool(session, organisation, expiry_date=days(7))

    assert queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 1

    [email] = sent(db)
    assert email.to_address == 'Main@example.com, global@example.com, billing@example.com'
    assert email.organisation_id == organisation.id


def test_a_main_contact_who_is_a_billing_user_is_written_to_once(db, session: Session) -> None:
    organisation = account(session)
    make_pool(session, organisation, expiry_date=days(0))

    queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)

    [email] = sent(db)
    assert email.to_address.count('@') == 1


def test_an_inactive_main_contact_gets_nothing(db, session: Session) -> None:
    organisation = make_organisation(session)
    main = make_user(session, organisation, 'viewer', is_active=False)
    admin = make_user(session, organisation, 'global_admin')
    organisation.main_contact_id = main.id
    session.add(organisation)
    session.commit()
    make_pool(session, organisation, expiry_date=days(30))

    queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)

    assert [email.to_address for email in sent(db)] == [admin.email]


def test_an_organisation_without_anyone_to_tell_is_skipped_until_it_has_someone(db, session: Session) -> None:
    organisation = make_organisation(session)
    make_user(session, organisation, 'viewer')
    make_pool(session, organisation, expiry_date=days(30))

    assert queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 0
    assert sent(db) == []

    admin = make_user(session, organisation, 'billing_admin')
    assert queue_renewal_reminders(session=session, now=at(1), vendor=DEFAULT_VENDOR) == 1  # the stage was not used up
    assert [email.to_address for email in sent(db)] == [admin.email]


def test_cancelled_deleted_and_leaving_organisations_get_nothing_but_a_withdrawn_request_does(db, session: Session
                                                                                             ) -> None:
    """A pending deletion request: the account asked to leave, so no reminder to renew; a withdrawn one stays."""
    make_pool(session, account(session, cancelled_at=NOW - timedelta(days=3)), expiry_date=days(30))
    completed = account(session)
    make_deletion_request(session, completed, status='completed')
    make_pool(session, completed, expiry_date=days(30))
    in_progress = account(session)
    make_deletion_request(session, in_progress, status='in_progress')
    make_pool(session, in_progress, expiry_date=days(30))
    pending = account(session)
    make_deletion_request(session, pending, status='pending')
    make_pool(session, pending, expiry_date=days(30))
    withdrawn = account(session)
    make_deletion_request(session, withdrawn, status='withdrawn')
    make_pool(session, withdrawn, expiry_date=days(30))

    assert queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR) == 1
    assert [email.organisation_id for email in sent(db)] == [withdrawn.id]
