"""Without signing in, no page or export of the app gives anything away."""

import httpx
import pytest

from tests.browser.conftest import World

PAGES = ['/account/billing', '/account/billing?tab=history', '/vendor/renewals', '/vendor/overview',
         '/vendor/organisations', '/vendor/outbox', '/vendor/sign-ins', '/account/security']


@pytest.mark.parametrize('path', PAGES)
def test_a_stranger_is_sent_to_the_login_page(world: World, path: str) -> None:
    response = httpx.get(world.base_url + path, follow_redirects=False, timeout=10)
    assert response.status_code in (302, 303, 307), response.text[:200]
    assert response.headers['location'].startswith('/login')


@pytest.mark.parametrize('path', ['/billing/{org}/history.csv', '/vendor/renewals.csv'])
def test_a_stranger_gets_no_export(world: World, path: str) -> None:
    response = httpx.get(world.base_url + path.format(org=world.org_id), follow_redirects=False, timeout=10)
    assert response.status_code in (302, 303, 307, 401, 403)
    assert world.org_name not in response.text and world.serial not in response.text
