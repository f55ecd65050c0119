"""The cards pages are built of, each shape once: a titled card for a block of a page, a notice card in place of
a page's content, and the card of the pages before sign-in."""

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from dashboard.config import get_settings


def titled_card(title: str, icon: str, *, icon_colour: str = 'primary') -> ui.card:
    """A block of a page under an icon and a title. The caller sizes it: `.classes('flex-1 min-w-[260px]')` for
    cards sharing a row, `.classes('w-full')` for one of its own."""
    card = ui.card().classes('card p-5 gap-3').props('flat bordered')
    with card, ui.row().classes('items-center gap-2'):
        ui.icon(icon, color=icon_colour, size='1.4rem')
        ui.label(title).classes('card-title')
    return card


def notice_card(title: str, icon: str = 'lock') -> ui.card:
    """Said in place of a page's content (why it is not shown); what to do instead goes in the card."""
    card = ui.card().classes('card p-6 max-w-xl')
    with card, ui.row().classes('items-center gap-3'):
        ui.icon(icon, size='2rem', color='grey-7')
        ui.label(title).classes('text-lg font-medium')
    return card


@contextmanager
def public_card(title: str) -> Iterator[ui.card]:
    """The look of the pages before sign-in (log in, forgot password, choose a password): the product's name over
    one card, as wide as a phone allows."""
    ui.add_head_html('<link rel="stylesheet" href="/assets/app.css">')
    ui.colors(primary='#1f4e79')
    with ui.column().classes('absolute-center items-center gap-6 w-full px-4'):
        with ui.row().classes('items-center gap-2'):
            ui.icon('support_agent', size='2.5rem', color='primary')
            ui.label(get_settings().product_name).classes('text-3xl font-semibold text-primary')
        with ui.card().classes('w-96 max-w-full p-6 card gap-3') as card:
            ui.label(title).classes('text-lg font-medium')
            yield card
