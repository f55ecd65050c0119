"""Where the login page may send someone afterwards: a page of this app, never another site.

Browsers read a URL more loosely than a server does (a backslash is a slash, tabs and newlines vanish, `//host` is
another site), so a `next` value is refused unless it is, character for character, the path of one of the app's own
pages, with an optional query that is rebuilt from its parts.
"""

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode

from nicegui import Client

LOGIN_PATH = '/login'
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
