"""Back office: Renewals."""

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ..db import Database
from .session import SignedIn
from .theme import frame
from .vendor_access import RENEWALS_PATH, vendor_visitor


def register(db: Database) -> None:
    @ui.page(RENEWALS_PATH, title='Renewals')
    async def page(request: Request) -> RedirectResponse | None:
        who = await vendor_visitor(db, request)
        if not isinstance(who, SignedIn):
            return who
        with frame(who, 'Renewals', active=RENEWALS_PATH):
            pass
        return None
