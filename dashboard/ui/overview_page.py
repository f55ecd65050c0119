"""Back office: Usage overview."""

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ..db import Database
from .session import SignedIn
from .theme import frame
from .vendor_access import OVERVIEW_PATH, vendor_visitor


def register(db: Database) -> None:
    @ui.page(OVERVIEW_PATH, title='Usage overview')
    async def page(request: Request) -> RedirectResponse | None:
        who = await vendor_visitor(db, request)
        if not isinstance(who, SignedIn):
            return who
        with frame(who, 'Usage overview', active=OVERVIEW_PATH):
            pass
        return None
