""""Need more licences?" and "Buy now": a form that records the request and emails the vendor's sales team."""

import math

from nicegui import ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.billing.licence_requests import MAX_MESSAGE, MAX_QUANTITY, request_licences
from dashboard.domain.errors import DomainError
from dashboard.domain.models import LicenceKind
from dashboard.domain.vendor import Vendor
from dashboard.ui.io_bound import io_bound
from dashboard.ui.number_input import NumberInput
from dashboard.ui.session import refuse_if_signed_out


def open_licence_request_dialog(db: Database, actor: Actor, organisation_id: int, vendor: Vendor, *,
                                purchase: bool) -> None:
    title = 'Buy licences' if purchase else 'Need more licences?'
    with ui.dialog() as dialog, ui.card().classes('w-[28rem] p-6 gap-3'):
        ui.label(title).classes('text-lg font-semibold')
        ui.label('Tell us what you need and our sales team will get back to you with a quote.') \
            .classes('text-grey-8')
        kind = ui.select({k.value: k.label for k in LicenceKind}, label='Licence type',
                         value=LicenceKind.MANAGED_AGENT.value).props('outlined').classes('w-full').mark('licence-type')
        # No min/max here: the browser would quietly clamp a wrong number instead of letting us say it is wrong.
        quantity = NumberInput('Quantity', value=10, step=1, validation=_quantity_problem) \
            .props('outlined').classes('w-full').mark('quantity')
        message = ui.textarea('Message (optional)', validation={
            f'At most {MAX_MESSAGE:,} characters': lambda v: len(v or '') <= MAX_MESSAGE,
        }).props(f'outlined counter maxlength={MAX_MESSAGE}').classes('w-full').mark('message')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            send = ui.button('Send request', icon='send').props('unelevated')

    async def submit() -> None:
        if refuse_if_signed_out(actor):
            dialog.close()
            return
        problem = _quantity_problem(quantity.value)
        if problem:
            ui.notify(problem, type='negative')
            return
        send.disable()
        count = int(quantity.value)  # a whole number, as checked above

        def record() -> None:
            with db.session() as session:
                request_licences(session=session, actor=actor, organisation_id=organisation_id, kind=kind.value,
                                 quantity=count, message=message.value or '', purchase=purchase, vendor=vendor)
        try:
            await io_bound(record)
        except DomainError as error:
            ui.notify(str(error), type='negative')
            send.enable()
            return
        ui.notify(f'Thank you: your request for {count:,} {LicenceKind(kind.value).label} '
                  f'licence{"s" if count != 1 else ""} has been sent to our sales team.', type='positive')
        dialog.close()

    send.on_click(submit)
    dialog.on_value_change(lambda event: None if event.value else dialog.delete())  # closed by any means: gone
    dialog.open()


def _quantity_problem(value: object) -> str | None:
    """What is wrong with the quantity, if anything: the browser may send any number, `inf` and `NaN` included."""
    whole = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) \
        and value == int(value)
    if not whole or not 1 <= value <= MAX_QUANTITY:  # type: ignore[operator]
        return f'Enter a whole number from 1 to {MAX_QUANTITY:,}.'
    return None
