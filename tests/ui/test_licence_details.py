from datetime import timedelta

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from dashboard.domain import clock
from dashboard.domain.formatting import format_date
from dashboard.domain.models import AuditEntry, DeletionRequest, LicenceRequest, Organisation, OutboxEmail
from dashboard.domain.models import User as Person
from tests.factories import make_organisation, make_user
from tests.ui.conftest import log_in, password_hash


async def test_every_figure_of_the_seed_is_shown_with_its_label(user: User, acme) -> None:
    await log_in(user, acme.emails['billing_admin'])
    for text in ['Account information', 'Acme Widgets GmbH', 'Serial number', 'ACME-0001', 'Account type', 'Active',
                 'Data residency region', 'EU/EEA (Germany West Central)',
                 'Licence information', 'Total Managed Agent licences', '150', 'Available Managed Agent licences',
                 '22', 'Managed Agent expiry date', format_date(clock.today() + timedelta(days=12)), '12 days left',
                 'Total On-demand licences', '10', 'Available On-demand licences', '7', 'On-demand expiry date',
                 'Expired 3 days ago', '128 of 150 in use', 'Main contact', 'Name', 'Email', 'Phone',
                 'Request deletion of this account', 'Need more licences?']:
        await user.should_see(text)


async def test_a_missing_pool_shows_no_licences_and_no_expiry(user: User, acme, session) -> None:
    organisation = session.get(Organisation, acme.organisation.id)
    organisation.plan = 'trial'
    session.add(organisation)
    session.commit()
    other = make_organisation(session, name='Pool-less Ltd', plan='trial')
    make_user(session, other, 'billing_admin', email='solo@poolless.example', password_hash=password_hash())
    await log_in(user, 'solo@poolless.example')
    await user.should_see('Pool-less Ltd')
    await user.should_see('No licences')
    await user.should_see('Trial')
    await user.should_see('Buy now')


async def test_changing_the_main_contact_saves_at_once_and_is_audited(user: User, acme, db) -> None:
    await log_in(user, acme.emails['billing_admin'])
    user.find('main-contact').click()
    user.find('Vera Viewer').click()
    await user.should_see('Main contact changed to Vera Viewer.', retries=50)
    await user.should_see('viewer@acme.example')
    with db.session() as session:
        organisation = session.get(Organisation, acme.organisation.id)
        contact = session.get(Person, organisation.main_contact_id)
        assert contact.full_name == 'Vera Viewer'
        audit = session.exec(select(AuditEntry)).one()
        assert audit.actor_name == 'Bill Billing' and 'Vera Viewer' in audit.details
    await user.open('/account/billing')  # kept after a reload
    await user.should_see('viewer@acme.example')


async def test_requesting_deletion_states_the_consequences_then_shows_the_pending_request(
        user: User, acme, db) -> None:
    await log_in(user, acme.emails['global_admin'])
    user.find('Request deletion of this account').click()
    effective = format_date(acme.organisation.subscription_end)
    await user.should_see(f'at the end of your current subscription period, on {effective}')
    for consequence in ['All user accounts (including billing and administration accounts)',
                        'must be removed manually', 'All relevant contacts will be notified',
                        'removed from our production systems within 30 days']:
        await user.should_see(consequence)
    user.find('Yes, request deletion').click()
    await user.should_see(f'The cancellation takes effect on {effective}.', retries=50)
    await user.should_see('Withdraw request')
    await user.should_not_see('Request deletion of this account')
    with db.session() as session:
        assert len(session.exec(select(DeletionRequest)).all()) == 1
        support, contacts = session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()
        assert support.to_address == 'support@netsupportsoftware.com'
        assert 'ACME-0001' in support.subject
        assert contacts.to_address == 'global_admin@acme.example, billing_admin@acme.example'

    user.find('Withdraw request').click()
    await user.should_see('Your deletion request has been withdrawn.', retries=50)
    await user.should_see('Request deletion of this account')
    with db.session() as session:
        assert session.exec(select(DeletionRequest)).one().status == 'withdrawn'


async def test_cancelling_the_dialog_requests_nothing(user: User, acme, db) -> None:
    await log_in(user, acme.emails['billing_admin'])
    user.find('Request deletion of this account').click()
    await user.should_see('Cancel')
    user.find('Cancel').click()
    await user.should_see('Request deletion of this account')
    with db.session() as session:
        assert session.exec(select(DeletionRequest)).all() == []


async def test_need_more_licences_records_the_request_and_emails_sales(user: User, acme, db) -> None:
    await log_in(user, acme.emails['billing_admin'])
    user.find('Need more licences?').click()
    await user.should_see('Send request')
    with user.scope(ui.dialog):
        user.find('licence-type').click()
        user.find('On-demand').click()
    user.find('quantity').clear().type('25')
    user.find('message').type('For the new Leeds office')
    user.find('Send request').click()
    await user.should_see('your request for 25 On-demand licences has been sent', retries=50)
    with db.session() as session:
        request = session.exec(select(LicenceRequest)).one()
        assert (request.kind, request.quantity, request.message) == ('on_demand', 25, 'For the new Leeds office')
        email = session.exec(select(OutboxEmail)).one()
        assert email.to_address == 'sales@netsupportsoftware.com' and 'Leeds' in email.body_text


async def test_an_invalid_quantity_is_refused_and_nothing_is_sent(user: User, acme, db) -> None:
    await log_in(user, acme.emails['billing_admin'])
    user.find('Need more licences?').click()
    await user.should_see('Send request')
    for bad in ['0', '100001', '2.5']:
        user.find('quantity').clear().type(bad)
        user.find('Send request').click()
        await user.should_see('Enter a whole number from 1 to 100,000.')
    with db.session() as session:
        assert session.exec(select(LicenceRequest)).all() == []
        assert session.exec(select(OutboxEmail)).all() == []


async def test_a_quantity_of_infinity_or_not_a_number_is_explained_not_raised(user: User, acme, db) -> None:
    """The browser can send any JSON number to the field's value: the dialog says what is wrong and sends nothing."""
    await log_in(user, acme.emails['billing_admin'])
    user.find('Need more licences?').click()
    await user.should_see('Send request')
    for bad in ['inf', '-Infinity', 'NaN', '1e999', 'ten', [5], {'x': 1}]:
        user.find('quantity').trigger('update:modelValue', bad)
        user.find('Send request').click()
        await user.should_see('Enter a whole number from 1 to 100,000.')
    with db.session() as session:
        assert session.exec(select(LicenceRequest)).all() == []


async def test_buy_now_is_only_for_billing_users_of_a_trial(user: User, acme, session) -> None:
    await log_in(user, acme.emails['billing_admin'])
    await user.should_not_see('Buy now')
    organisation = session.get(Organisation, acme.organisation.id)
    organisation.plan = 'trial'
    session.add(organisation)
    session.commit()
    await user.open('/account/billing')
    await user.should_see('Buy now')
    user.find('Buy now').click()
    await user.should_see('Buy licences')
