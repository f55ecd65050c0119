"""`safe_next_path`: the login page's `next` may only name a page of this app, however it is disguised."""

import pytest

from dashboard.ui.paths import safe_next_path

ROUTES = ['/', '/login', '/account/billing', '/vendor/renewals', '/vendor/organisations',
          '/vendor/organisations/{organisation_id}']

EVIL = [
    '/\\evil.example/', '\\\\evil.example', '/\\/evil.example', '//evil.example', '///evil.example',
    'https://evil.example/', 'HTTPS://evil.example', 'javascript:alert(1)', 'data:text/html,hi',
    '/%5Cevil.example/', '/%2F%2Fevil.example', '/%2fevil.example', '/account/billing%2F..%2F..',
    '\t//evil.example', ' /\\evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\\evil.example',
    '\x00/account/billing', '/account/billing\x00', '/account/billing\u2028', '/account/billing ',
    'https://user@evil.example/account/billing', '//user:pass@evil.example', '/@evil.example',
    'evil.example/account/billing', 'account/billing', '', '/login', '/login?next=//evil.example',
    '/vendor/organisations/../../evil', '/vendor/organisations/..', '/vendor/organisations/1/x',
    '/vendor/organisations/%2e%2e', '/account/billing/', '/nope', '/account//billing', '/.' + '/evil.example',
    '/account/billing' + 'x' * 3000,
]


@pytest.mark.parametrize('raw', EVIL)
def test_anything_but_a_page_of_the_app_goes_to_the_landing_page(raw: str) -> None:
    assert safe_next_path(raw, ROUTES) == ''


@pytest.mark.parametrize(('raw', 'expected'), [
    ('/', '/'),
    ('/account/billing', '/account/billing'),
    ('/account/billing?tab=history', '/account/billing?tab=history'),
    ('/vendor/organisations/17', '/vendor/organisations/17'),
    ('/vendor/renewals?q=M%C3%BCller&region=eu&region=us', '/vendor/renewals?q=M%C3%BCller&region=eu&region=us'),
    ('/vendor/renewals?q=a%5Cb#top', '/vendor/renewals?q=a%5Cb'),
    ('/account/billing?x=//evil.example', '/account/billing?x=%2F%2Fevil.example'),
])
def test_a_page_of_the_app_is_kept_with_its_query(raw: str, expected: str) -> None:
    assert safe_next_path(raw, ROUTES) == expected
