"""The check every back-office page makes before it shows anything, made once: `@backoffice_page`."""

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from dashboard.db import Database
from dashboard.ui.cards import notice_card
from dashboard.ui.session import SignedIn, signed_in, to_login
from dashboard.ui.theme import frame

PageBody = Callable[..., Awaitable[None]]  # async def body(who: SignedIn, request: Request, **path_parameters)


def backoffice_page(db: Database, path: str, *, title: str) -> Callable[[PageBody], PageBody]:
    """Registers the decorated body as the back-office page at `path`. Only the vendor's staff reach the body, which
    is called with who they are, the request and the path's parameters (`{organisation_id}` as a string); anyone
    signed out is sent to log in and brought back here, query and all; a customer is shown a refusal, whatever URL
    they type."""
    def register(body: PageBody) -> PageBody:
        @ui.page(path, title=title)
        async def page(request: Request) -> RedirectResponse | None:
            who = await vendor_visitor(db, request)
            if not isinstance(who, SignedIn):
                return who
            await body(who, request, **request.path_params)
            return None
        return body
    return register


async def vendor_visitor(db: Database, request: Request) -> SignedIn | RedirectResponse | None:
    """The signed-in member of the vendor's staff; else a redirect to the login page (signed out), or None once a
    refusal has been shown (a customer: the back office is not theirs)."""
    who = await signed_in(db)
    if who is None:
        return to_login(request.url.path + (f'?{request.url.query}' if request.url.query else ''))
    if not who.actor.is_vendor:
        with frame(who, 'Back office'), notice_card('This page is for the vendor\'s staff'):
            ui.label('Your organisation\'s licences are on the Billing page.').classes('text-grey-8')
        return None
    return who
