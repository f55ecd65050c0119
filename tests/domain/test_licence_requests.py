""""Need more licences?" and "Buy now": a stored request and an email to the vendor's sales team, or nothing."""

import pytest
from sqlmodel import Session, select

from dashboard.config import Settings, get_settings
from dashboard.db import Database
from dashboard.domain.billing.licence_requests import mark_licence_request_handled, request_licences
from dashboard.domain.errors import InvalidInput, NotFound, PermissionDenied
from dashboard.domain.models import AuditEntry, LicenceRequest, Organisation, OutboxEmail, User
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.factories import actor, make_licence_request, make_organisation, make_user


@pytest.fixture
def organisation(session: Session) -> Organisation:
    return make_organisation(session, name='Acme Remote Ltd', serial_number='NS-7781-QX')


@pytest.fixture
def admin(session: Session, organisation: Organisation) -> User:
    return make_user(session, organisation, 'billing_admin', full_name='Abe Admin', email='abe@acme.example')


def rows(db: Database) -> tuple[list[LicenceRequest], list[OutboxEmail], list[AuditEntry]]:
    with db.session() as session:
        return (list(session.exec(select(LicenceRequest).order_by(LicenceRequest.id)).all()),
                list(session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()),
                list(session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()))


def test_the_vendor_sales_address_defaults_to_the_vendors() -> None:
    assert Settings.model_fields['vendor_sales_email'].default == 'sales@netsupportsoftware.com'


@pytest.mark.parametrize(('kind', 'label'), [('managed_agent', 'Managed Agent'), ('on_demand', 'On-demand')])
def test_a_request_is_stored_and_emailed_to_sales(db, session: Session, organisation: Organisation, admin: User,
                                                  kind: str, label: str) -> None:
    request = request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind=kind,
                               quantity=1500, message='  For the new Leeds office.  ', vendor=DEFAULT_VENDOR)

    requests, emails, audit = rows(db)
    assert [(r.id, r.organisation_id, r.kind, r.quantity, r.message, r.requested_by_name, r.requested_by_id,
             r.status) for r in requests] == [
        (request.id, organisation.id, kind, 1500, 'For the new Leeds office.', 'Abe Admin', admin.id, 'open')]
    [email] = emails
    assert email.to_address == get_settings().vendor_sales_email
    assert email.organisation_id == organisation.id
    for text in (email.subject, email.body_text):
        assert 'Acme Remote Ltd' in text and 'NS-7781-QX' in text and '1,500' in text and label in text
    assert 'For the new Leeds office.' in email.body_text
    assert 'Abe Admin <abe@acme.example>' in email.body_text
    assert [(a.action, a.actor_name, a.details) for a in audit] == [
        ('licences_requested', 'Abe Admin', f'More licences: 1500 {label}')]


@pytest.mark.parametrize('quantity', [1, 100_000])
def test_the_quantity_may_be_anything_from_1_to_100000(db, session: Session, organisation: Organisation,
                                                       admin: User, quantity: int) -> None:
    request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='on_demand',
                     quantity=quantity, vendor=DEFAULT_VENDOR)

    requests, emails, _ = rows(db)
    assert [r.quantity for r in requests] == [quantity]
    assert f'{quantity:,} On-demand' in emails[0].body_text


def test_without_a_message(db, session: Session, organisation: Organisation, admin: User) -> None:
    request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='on_demand',
                     quantity=3, message='   ', vendor=DEFAULT_VENDOR)

    requests, emails, _ = rows(db)
    assert requests[0].message is None
    assert '(none)' in emails[0].body_text


def test_a_message_of_2000_characters_is_kept_whole(db, session: Session, organisation: Organisation,
                                                    admin: User) -> None:
    request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='on_demand',
                     quantity=3, message='é' * 2000, vendor=DEFAULT_VENDOR)

    assert rows(db)[0][0].message == 'é' * 2000


def test_buy_now_is_a_purchase_request(db, session: Session, organisation: Organisation, admin: User) -> None:
    request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='managed_agent',
                     quantity=25, purchase=True, vendor=DEFAULT_VENDOR)

    _, emails, audit = rows(db)
    assert emails[0].subject.startswith('Purchase requested: 25 Managed Agent licences')
    assert audit[0].details == 'Purchase: 25 Managed Agent'


@pytest.mark.parametrize('quantity', [0, -1, 100_001, 10**12, 1.5, 5.0, '5', '', None, True, False, float('inf'),
                                      float('-inf'), float('nan')])
def test_a_bad_quantity_is_refused_naming_the_range(db, session: Session, organisation: Organisation,
                                                    admin: User, quantity: object) -> None:
    with pytest.raises(InvalidInput, match='whole number from 1 to 100,000'):
        request_licences(session=session, actor=actor(admin), organisation_id=organisation.id,
                         kind='managed_agent', quantity=quantity, vendor=DEFAULT_VENDOR)

    assert rows(db) == ([], [], [])


@pytest.mark.parametrize('kind', ['', None, 'Managed Agent', 'MANAGED_AGENT', 'floppy', ['managed_agent'], 7])
def test_a_bad_licence_type_is_refused(db, session: Session, organisation: Organisation, admin: User,
                                       kind: object) -> None:
    with pytest.raises(InvalidInput, match='Managed Agent or On-demand'):
        request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind=kind,
                         quantity=5, vendor=DEFAULT_VENDOR)

    assert rows(db) == ([], [], [])


def test_a_message_over_2000_characters_is_refused(db, session: Session, organisation: Organisation,
                                                   admin: User) -> None:
    with pytest.raises(InvalidInput, match='at most 2,000 characters'):
        request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='on_demand',
                         quantity=5, message='x' * 2001, vendor=DEFAULT_VENDOR)

    assert rows(db) == ([], [], [])


@pytest.mark.parametrize('message', [42, ['hello']])
def test_a_message_that_is_not_text_is_refused(db, session: Session, organisation: Organisation, admin: User,
                                               message: object) -> None:
    with pytest.raises(InvalidInput, match='message'):
        request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='on_demand',
                         quantity=5, message=message, vendor=DEFAULT_VENDOR)

    assert rows(db) == ([], [], [])


def test_each_request_is_its_own_row_and_email(db, session: Session, organisation: Organisation,
                                               admin: User) -> None:
    for quantity in (5, 10):
        request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='on_demand',
                         quantity=quantity, vendor=DEFAULT_VENDOR)

    requests, emails, audit = rows(db)
    assert [r.quantity for r in requests] == [5, 10]
    assert len(emails) == 2 and len(audit) == 2


def test_the_admin_team_marks_a_request_handled_once_and_it_is_audited(session):
    organisation = make_organisation(session, name='Handled Ltd')
    request = make_licence_request(session, organisation, quantity=40, requested_by_name='Bill Billing')
    admin = actor(make_user(session, None, 'vendor_admin', full_name='Ada Admin'))
    assert mark_licence_request_handled(session=session, actor=admin, request_id=request.id).status == 'handled'
    [entry] = session.exec(select(AuditEntry)).all()
    assert (entry.actor_name, entry.action, entry.details) == (
        'Ada Admin', 'licence_request_handled', '40 Managed Agent, asked by Bill Billing')
    with pytest.raises(InvalidInput, match='already been handled'):
        mark_licence_request_handled(session=session, actor=admin, request_id=request.id)
    for bad in (999, True, '1', None):
        with pytest.raises(NotFound):
            mark_licence_request_handled(session=session, actor=admin, request_id=bad)
    assert len(session.exec(select(AuditEntry)).all()) == 1


@pytest.mark.parametrize('role', ['sales', 'global_admin', 'billing_admin', 'viewer', 'user'])
def test_only_the_admin_team_marks_requests_handled(session, role):
    organisation = make_organisation(session)
    request = make_licence_request(session, organisation)
    who = actor(make_user(session, None if role == 'sales' else organisation, role))
    with pytest.raises(PermissionDenied):
        mark_licence_request_handled(session=session, actor=who, request_id=request.id)
    session.refresh(request)
    assert request.status == 'open'


def test_the_sales_email_has_an_html_body_that_escapes_what_the_customer_typed(session, organisation, admin):
    request_licences(session=session, actor=actor(admin), organisation_id=organisation.id, kind='on_demand',
                     quantity=1200, message='<b>urgent</b> & soon', vendor=DEFAULT_VENDOR)
    email = session.exec(select(OutboxEmail)).one()
    assert email.kind == 'licences_requested'
    assert 'Acme Remote Ltd' in email.body_html and 'NS-7781-QX' in email.body_html
    assert '1,200 On-demand' in email.body_html
    assert '&lt;b&gt;urgent&lt;/b&gt; &amp; soon' in email.body_html and '<b>urgent</b>' not in email.body_html
    assert '<b>urgent</b> & soon' in email.body_text  # plain text stays as typed
