"""A login link cannot send anyone to another site: whatever `next` says, the browser ends on a page of the app."""

from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import OpenAs, World
from tests.browser.sign_in import log_in

# Each costs a real sign-in; tests/ui/test_next_path.py checks many more disguises without a browser.
EVIL_NEXT = ['/\\evil.example/', '//evil.example/', '/\t/evil.example/', 'https://user@evil.example/',
             'javascript:alert(document.domain)', '/%2F%2Fevil.example/']


@pytest.fixture
def stranger_requests(context: BrowserContext, world: World) -> list[str]:
    """Every request the browser tries to send anywhere but the app; none of them leaves the machine."""
    ours = urlsplit(world.base_url).netloc
    elsewhere: list[str] = []

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route('**/*', guard)
    return elsewhere


@pytest.mark.parametrize('evil', EVIL_NEXT)
def test_signing_in_through_an_evil_link_lands_on_the_app(page: Page, world: World, stranger_requests: list[str],
                                                          evil: str) -> None:
    log_in(page, world.email_of('billing_admin'), path=f'/login?next={quote(evil, safe="")}')
    expect(page).to_have_url(f'{world.base_url}/account/billing')
    assert stranger_requests == []


@pytest.mark.parametrize('evil', EVIL_NEXT[:3])
def test_a_signed_in_visit_to_an_evil_link_lands_on_the_app(open_as: OpenAs, world: World, evil: str) -> None:
    page = open_as('billing_admin')
    page.goto(f'/login?next={quote(evil, safe="")}')
    expect(page).to_have_url(f'{world.base_url}/account/billing')
    expect(page.get_by_role('button', name='Log out')).to_be_visible()


def test_a_login_link_to_a_page_of_the_app_still_returns_there(page: Page, world: World) -> None:
    log_in(page, world.email_of('viewer'), path=f'/login?next={quote("/account/billing?tab=history", safe="")}')
    expect(page).to_have_url(f'{world.base_url}/account/billing?tab=history')
