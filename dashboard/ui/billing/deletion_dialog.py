"""The confirmation before an account deletion request, stating the consequences the seed promises."""

from datetime import date

from nicegui import ui

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.billing.licence_details import BillingView
from dashboard.domain.deletion.requests import PURGE_DAYS, effective_date_for, request_deletion
from dashboard.domain.errors import DomainError
from dashboard.domain.formatting import format_date
from dashboard.domain.vendor import Vendor
from dashboard.ui.io_bound import io_bound
from dashboard.ui.session import refuse_if_signed_out


async def confirm_deletion(db: Database, actor: Actor, view: BillingView, vendor: Vendor) -> bool:
    """Shows the dialog; True once a request is recorded (or was already open)."""
    today = clock.today()
    effective = effective_date_for(view.subscription_end, today)
    with ui.dialog() as dialog, ui.card().classes('max-w-xl p-6 gap-3'):
        with ui.row().classes('items-center gap-2 no-wrap'):
            ui.icon('warning', color='negative', size='1.8rem')
            ui.label(f'Request deletion of {view.name}?').classes('text-lg font-semibold')
        ui.markdown(_consequences(vendor.product_name, effective, today)).classes('text-grey-9')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat')
            confirm = ui.button('Yes, request deletion', icon='delete_forever').props('unelevated color=negative')

    async def submit() -> None:
        if refuse_if_signed_out(actor):
            dialog.submit(False)
            return
        confirm.disable()  # a double click sends one request; the domain would return the same one anyway
        try:
            await io_bound(_request, db, actor, view.organisation_id, vendor)
        except DomainError as error:
            ui.notify(str(error), type='negative')
            dialog.submit(False)
            return
        ui.notify(f'Deletion requested. It takes effect on {format_date(effective)}.', type='positive')
        dialog.submit(True)

    confirm.on_click(submit)
    result = await dialog
    if not dialog.is_deleted:  # a live refresh of the page behind may have deleted it already
        dialog.delete()
    return bool(result)


def _consequences(product: str, effective: date, today: date) -> str:
    """What the seed says a deletion request means, as Markdown: when it takes effect and what is lost."""
    if effective > today:
        when = f'at the end of your current subscription period, on {format_date(effective)}'
    else:
        when = f'today, {format_date(effective)}, because your subscription period has ended'
    return (
        f'Cancelling your agreement and contract for {product} will initiate the process of closing access '
        f'to and use of the provided services.\n\n'
        f'- The cancellation takes effect **{when}**.\n'
        f'- All user accounts (including billing and administration accounts) and all data of the account '
        f'are removed.\n'
        f'- No Web Portal or Control can access Agents on end-user devices any more.\n'
        f'- The software components for both the Control and Agent must be removed manually or using your '
        f'current software management solution.\n'
        f'- All relevant contacts will be notified before the cancellation process starts and once it has '
        f'been completed.\n'
        f'- Any personal data held on your behalf will be removed from our production systems within '
        f'{PURGE_DAYS} days, as per our Terms of Service.\n\n'
        f'An email is sent to {product} to process the request. You can withdraw it here until it takes effect.'
    )


def _request(db: Database, actor: Actor, organisation_id: int, vendor: Vendor) -> None:
    with db.session() as session:
        request_deletion(session=session, actor=actor, organisation_id=organisation_id, vendor=vendor)
