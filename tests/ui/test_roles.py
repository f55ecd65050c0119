from nicegui import ui
from nicegui.testing import User

from tests.factories import make_organisation, make_user
from tests.ui.conftest import log_in, password_hash


async def test_a_viewer_sees_everything_but_can_change_nothing(user: User, acme) -> None:
    await log_in(user, acme.emails['viewer'])
    await user.should_see('Total Managed Agent licences')
    await user.should_see(kind=ui.item_section, content='Billing')  # the menu entry the `user` role must not get
    await user.should_see('Main contact')
    for action in ['Request deletion of this account', 'Need more licences?', 'Withdraw request', 'Buy now']:
        await user.should_not_see(action)
    select = user.find('main-contact').elements.pop()
    assert isinstance(select, ui.select) and not select.enabled
    user.find('Licence history').click()
    await user.should_see('Export CSV')


async def test_the_user_role_has_no_billing_menu_and_is_refused_the_page(user: User, acme) -> None:
    await log_in(user, acme.emails['user'])
    await user.should_see('You do not have access to Billing')
    await user.should_not_see(kind=ui.item_section, content='Billing')  # the menu entry's text
    await user.open('/account/billing')
    await user.should_see('You do not have access to Billing')
    await user.should_not_see('Account information')
    await user.should_not_see('ACME-0001')
    await user.should_not_see('Total Managed Agent licences')


async def test_a_customer_sees_only_their_own_organisation(user: User, acme, session) -> None:
    other = make_organisation(session, name='Other Org AG', serial_number='OTHER-1')
    make_user(session, other, 'billing_admin', full_name='Olga Other')
    await log_in(user, acme.emails['global_admin'])
    await user.open(f'/account/billing?organisation={other.id}')
    await user.should_see('Acme Widgets GmbH')
    await user.should_not_see('Other Org AG')
    user.find('main-contact').click()
    await user.should_not_see('Olga Other')


async def test_vendor_staff_are_not_shown_a_customer_billing_page(user: User, session) -> None:
    make_user(session, None, 'sales', email='sam@vendor.example', password_hash=password_hash())
    await log_in(user, 'sam@vendor.example')
    await user.open('/account/billing')
    await user.should_see('You do not have access to Billing')
