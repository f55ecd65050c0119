"""Two-factor sign-in, attacked in Chromium: the password alone opens no session, wrong and replayed codes are
refused, a recovery code works once, and the Admin Team cannot reach a page without setting it up."""

import uuid

from playwright.sync_api import Page, expect

from dashboard.domain import clock
from dashboard.domain.auth.accounts import set_password
from dashboard.domain.auth.recovery_codes import replace_recovery_codes
from dashboard.domain.auth.totp import code_at_step, step_at
from dashboard.domain.models import Organisation, User
from tests.browser.conftest import World
from tests.browser.seed import PASSWORD
from tests.browser.sign_in import log_in, type_app_code
from tests.factories import make_user
from tests.two_factor_codes import TEST_TOTP_SECRET

SECRET = 'KRUGS4ZANFZSAYJAORSXG5BAONSWG4TF'


def person(world: World, role: str = 'billing_admin', *, secret: str | None = None) -> tuple[str, list[str]]:
    """A new person of the organisation (or of the vendor) who can log in; with `secret`, two-factor sign-in is on
    and the recovery codes are returned."""
    email = f'tfa-{uuid.uuid4().hex[:8]}@harbourview.example'
    db = world.database()
    try:
        with db.session() as session:
            organisation = None if role in ('vendor_admin', 'sales') else session.get(Organisation, world.org_id)
            user = make_user(session, organisation, role, full_name='Tess Factor', email=email, totp_secret=secret,
                             totp_enabled_at=clock.now() if secret else None)
            set_password(session=session, email=email, password=PASSWORD)
            codes = replace_recovery_codes(session=session, user_id=user.id, now=clock.now()) if secret else []
            session.commit()
    finally:
        db.engine.dispose()
    return email, codes


def type_password(page: Page, email: str) -> None:
    page.goto('/login')
    page.get_by_label('Email').fill(email)
    page.get_by_label('Password', exact=True).fill(PASSWORD)
    page.get_by_role('button', name='Log in').click()


def wrong_code(secret: str) -> str:
    step = step_at(clock.now())
    right = {code_at_step(secret, s) for s in (step - 1, step, step + 1)}
    return next(code for code in ('000000', '111111', '222222') if code not in right)


def test_enrol_on_the_security_page_then_sign_in_with_a_code(world: World, page: Page) -> None:
    email, _ = person(world, 'user')
    log_in(page, email)
    page.get_by_role('listitem').filter(has_text='Security').click()
    expect(page).to_have_url(f'{world.base_url}/account/security')
    expect(page.locator('.two-factor-status')).to_have_text('Off')
    page.get_by_role('button', name='Turn on').click()
    expect(page.get_by_role('img', name='QR code to scan').locator('svg')).to_be_visible()
    secret = page.locator('.totp-secret').inner_text().replace(' ', '')
    type_app_code(page, email, secret, button='Turn on')
    expect(page.get_by_text('Your recovery codes')).to_be_visible()
    codes = page.locator('.recovery-code').all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role('button', name='Download .txt').click()
    text = download.value.path().read_text()
    assert all(code in text for code in codes)
    page.get_by_role('button', name='Done').click()
    expect(page.locator('.two-factor-status')).to_have_text('On')
    expect(page.get_by_text('10 recovery codes left.')).to_be_visible()
    page.get_by_role('button', name='Log out').click()
    expect(page).to_have_url(f'{world.base_url}/login')  # logging out ends the session first, then navigates

    type_password(page, email)
    expect(page.get_by_label('Code from the app')).to_be_visible()
    expect(page.get_by_role('button', name='Log out')).to_have_count(0)
    type_app_code(page, email, secret)
    expect(page.get_by_role('button', name='Log out')).to_be_visible()
    assert world.rows(User, User.email_key == email)[0].totp_secret == secret


def test_the_password_alone_opens_no_session(world: World, page: Page) -> None:
    email, _ = person(world, secret=SECRET)
    type_password(page, email)
    expect(page.get_by_label('Code from the app')).to_be_visible()
    other_tab = page.context.new_page()
    other_tab.goto('/account/billing')
    expect(other_tab).to_have_url(f'{world.base_url}/login?next=%2Faccount%2Fbilling')
    expect(other_tab.get_by_role('button', name='Log out')).to_have_count(0)


def test_a_wrong_code_is_refused_and_a_used_one_too(world: World, page: Page) -> None:
    email, _ = person(world, secret=SECRET)
    type_password(page, email)
    page.get_by_label('Code from the app').fill(wrong_code(SECRET))
    page.get_by_role('button', name='Verify').click()
    expect(page.get_by_role('alert')).to_contain_text('That code is not correct')
    page.goto('/account/billing')
    expect(page).to_have_url(f'{world.base_url}/login?next=%2Faccount%2Fbilling')

    type_password(page, email)
    step = step_at(clock.now())
    page.get_by_label('Code from the app').fill(code_at_step(SECRET, step))
    page.get_by_role('button', name='Verify').click()
    expect(page.get_by_role('button', name='Log out')).to_be_visible()
    page.get_by_role('button', name='Log out').click()
    expect(page).to_have_url(f'{world.base_url}/login')
    type_password(page, email)  # the same code again, as someone who watched it being typed would
    page.get_by_label('Code from the app').fill(code_at_step(SECRET, step))
    page.get_by_role('button', name='Verify').click()
    expect(page.get_by_role('alert')).to_contain_text('That code is not correct')
    expect(page.get_by_role('button', name='Log out')).to_have_count(0)


def test_a_recovery_code_works_once(world: World, page: Page) -> None:
    email, codes = person(world, secret=SECRET)
    for attempt in range(2):
        type_password(page, email)
        page.get_by_role('button', name='Use a recovery code instead').click()
        page.get_by_label('Recovery code').fill(codes[0])
        page.get_by_role('button', name='Verify').click()
        if attempt == 0:
            expect(page.get_by_role('button', name='Log out')).to_be_visible()
            page.get_by_role('button', name='Log out').click()
            expect(page).to_have_url(f'{world.base_url}/login')
    expect(page.get_by_role('alert')).to_contain_text('used already')
    expect(page.get_by_role('button', name='Log out')).to_have_count(0)


def test_the_admin_team_must_set_it_up_before_reaching_any_page(world: World, page: Page) -> None:
    email, _ = person(world, 'vendor_admin', secret=None)
    type_password(page, email)
    expect(page.get_by_text('Set up two-factor sign-in')).to_be_visible()
    for path in ('/vendor/renewals', '/vendor/organisations', '/account/security'):
        other_tab = page.context.new_page()
        other_tab.goto(path)
        expect(other_tab).to_have_url(f'{world.base_url}/login?next={path.replace("/", "%2F")}')
        other_tab.close()
    secret = page.locator('.totp-secret').inner_text().replace(' ', '')
    assert secret != TEST_TOTP_SECRET
    type_app_code(page, email, secret, button='Turn on')
    expect(page.locator('.recovery-code')).to_have_count(10)
    expect(page.get_by_role('button', name='Log out')).to_have_count(0)  # not before the codes are seen
    page.get_by_role('button', name='Continue').click()
    expect(page).to_have_url(f'{world.base_url}/vendor/renewals')
    expect(page.get_by_role('button', name='Log out')).to_be_visible()
    page.goto('/account/security')
    expect(page.locator('.two-factor-status')).to_have_text('On')
    expect(page.get_by_role('button', name='Turn off')).to_have_count(0)
