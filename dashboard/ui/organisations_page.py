"""Back office: the organisations, searchable and paged, and one page per organisation."""

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ..db import Database
from .session import SignedIn
from .theme import frame
from .vendor_access import ORGANISATIONS_PATH, vendor_visitor


def register(db: Database) -> None:
    @ui.page(ORGANISATIONS_PATH, title='Organisations')
    async def organisations_page(request: Request) -> RedirectResponse | None:
        who = await vendor_visitor(db, request)
        if not isinstance(who, SignedIn):
            return who
        with frame(who, 'Organisations', active=ORGANISATIONS_PATH):
            pass
        return None
