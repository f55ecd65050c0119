"""Every path of the web app in one place, and where the login page may send someone afterwards.

The pages (and the two CSV downloads) register under these paths, and the links, menus and redirects between them
use the same names. The link in password emails is built by the domain, so `SET_PASSWORD_PATH` is defined there.

After logging in, a person goes to the `next` page they asked for: a page of this app, never another site.
Browsers read a URL more loosely than a server does (a backslash is a slash, tabs and newlines vanish, `//host` is
another site), so a `next` value is refused unless it is, character for character, the path of one of the app's own
pages, with an optional query that is rebuilt from its parts.
"""

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode

from nicegui import Client

from dashboard.domain.auth.links import SET_PASSWORD_PATH as SET_PASSWORD_PATH  # the emailed link's page

HOME_PATH = '/'  # sends each person to their landing page
LOGIN_PATH = '/login'
FORGOT_PASSWORD_PATH = '/forgot-password'
COMPLETE_PATH = '/auth/complete'  # where a completed sign-in gets its session (see `auth/sign_in_route.py`)
BILLING_PATH = '/account/billing'
HISTORY_EXPORT_PATH = '/billing/{organisation_id}/history.csv'
SECURITY_PATH = '/account/security'
RENEWALS_PATH = '/vendor/renewals'
RENEWALS_EXPORT_PATH = f'{RENEWALS_PATH}.csv'
OVERVIEW_PATH = '/vendor/overview'
ORGANISATIONS_PATH = '/vendor/organisations'
ORGANISATION_PATH = f'{ORGANISATIONS_PATH}/{{organisation_id}}'
OUTBOX_PATH = '/vendor/outbox'
SIGN_INS_PATH = '/vendor/sign-ins'

def organisation_path(organisation_id: int) -> str:
    return ORGANISATION_PATH.format(organisation_id=organisation_id)


def history_export_path(organisation_id: int) -> str:
    return HISTORY_EXPORT_PATH.format(organisation_id=organisation_id)


MAX_LENGTH = 2000
_PARAMETER = re.compile(r'\{[^}/]+\}')
_SEGMENT = '[A-Za-z0-9_-]+'
_PLAIN_PATH = re.compile(r'(?:/[A-Za-z0-9._~-]*)+')


def safe_next_path(raw: str | None, routes: Iterable[str] | None = None) -> str:
    """`raw` as a path of one of `routes` (page templates such as `/vendor/organisations/{organisation_id}`; by
    default every page the app has registered), with its query re-encoded; '' for anything else, so that the caller
    sends the person to their landing page."""
    routes = list(Client.page_routes.values()) if routes is None else list(routes)
    if not raw or len(raw) > MAX_LENGTH or any(not char.isprintable() or char.isspace() for char in raw):
        return ''
    path, _, query = raw.partition('#')[0].partition('?')
    if not _PLAIN_PATH.fullmatch(path) or '//' in path or not _is_page(path, routes):
        return ''
    pairs = parse_qsl(query, keep_blank_values=True)
    return f'{path}?{urlencode(pairs)}' if pairs else path


def _is_page(path: str, routes: Iterable[str]) -> bool:
    return any(_pattern(route).fullmatch(path) for route in routes if route != LOGIN_PATH)


def _pattern(route: str) -> re.Pattern[str]:
    """A page template as a pattern: each `{parameter}` is one plain segment (letters, digits, `-`, `_`)."""
    parts = _PARAMETER.split(route)
    return re.compile(_SEGMENT.join(re.escape(part) for part in parts))
