"""The Licence details tab: Account information, Licence information and Main contact cards."""

from nicegui import events, ui

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.billing import licence_details as billing
from dashboard.domain.billing.licence_details import BillingView, PoolView
from dashboard.domain.clock import utc_date
from dashboard.domain.deletion.progress import DeletionProgress, deletion_progress
from dashboard.domain.deletion.requests import withdraw_deletion
from dashboard.domain.errors import DomainError
from dashboard.domain.formatting import format_date
from dashboard.domain.models import DeletionStatus, LicenceKind
from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.vendor import Vendor
from dashboard.ui.billing.deletion_dialog import confirm_deletion
from dashboard.ui.billing.deletion_timeline import deletion_timeline
from dashboard.ui.billing.licence_request_dialog import open_licence_request_dialog
from dashboard.ui.cards import titled_card
from dashboard.ui.format import days_class, days_left_text
from dashboard.ui.io_bound import io_bound
from dashboard.ui.live import survives_refresh
from dashboard.ui.session import refuse_if_signed_out

IN_A_ROW = 'flex-1 min-w-[260px]'  # the three cards share the row; on a narrow screen they wrap


async def licence_details(db: Database, actor: Actor, organisation_id: int, vendor: Vendor) -> 'LicenceDetails':
    details = LicenceDetails(db, actor, organisation_id, vendor)
    await details.load()
    details.show()
    details.dialog_host = ui.element()
    return details


class LicenceDetails:
    def __init__(self, db: Database, actor: Actor, organisation_id: int, vendor: Vendor) -> None:
        self.db = db
        self.actor = actor
        self.organisation_id = organisation_id
        self.vendor = vendor
        self.view: BillingView | None = None
        self.deletion: DeletionProgress | None = None
        # Dialogs live outside the refreshed cards: a live refresh while one is open must not take it away.
        self.dialog_host: ui.element | None = None

    @property
    def may_act(self) -> bool:
        return self.actor.may_act_on_billing(self.organisation_id)

    async def load(self) -> None:
        self.view, self.deletion = await io_bound(self._read)

    def _read(self) -> tuple[BillingView, DeletionProgress | None]:
        with self.db.session() as session:
            return (billing.billing_view(session=session, actor=self.actor, organisation_id=self.organisation_id),
                    deletion_progress(session=session, actor=self.actor, organisation_id=self.organisation_id))

    async def reload(self) -> None:
        await self.load()
        self.show.refresh()

    @ui.refreshable_method
    def show(self) -> None:
        assert self.view is not None
        with ui.row().classes('w-full gap-4 items-stretch'):
            self._account_card(self.view)
            self._licence_card(self.view)
            self._contact_card(self.view)
        if self.deletion is not None:
            deletion_timeline(self.deletion, today=clock.today())

    def _account_card(self, view: BillingView) -> None:
        with titled_card('Account information', 'apartment').classes(IN_A_ROW):
            _field('Account name', view.name)
            _field('Serial number', view.serial_number)
            with _field_box('Account type'):
                ui.badge(view.account_type, color=_ACCOUNT_TYPE_COLOURS[view.account_type]).classes('text-sm')
            _field('Data residency region', view.region_label)
            ui.space()
            progress = self.deletion
            if progress is not None:
                self._deletion(progress)
            elif self.may_act:
                # A rare, destructive action: present, but quieter than the card's content.
                ui.button('Request deletion of this account', on_click=self._request_deletion) \
                    .props('outline dense color=negative no-caps').classes('w-full text-sm py-1')

    def _deletion(self, progress: DeletionProgress) -> None:
        """Where the request stands, and while it is pending the way to withdraw it."""
        heading = {DeletionStatus.PENDING: 'Deletion requested', DeletionStatus.IN_PROGRESS: 'Cancellation in progress',
                   DeletionStatus.COMPLETED: 'Account cancelled'}.get(progress.status, 'Deletion requested')
        with ui.column().classes('w-full gap-1 p-3 rounded bg-red-1 text-red-10').props('role=status'):
            ui.label(heading).classes('font-semibold')
            ui.label(f'Requested by {progress.requested_by} on {format_date(utc_date(progress.requested_at))}.')
            if progress.status == DeletionStatus.COMPLETED:
                ui.label('Every user of this account has lost access.')
            else:
                ui.label(f'The cancellation takes effect on {format_date(progress.effective_date)}.')
        if self.may_act and progress.status == DeletionStatus.PENDING:
            ui.button('Withdraw request', icon='undo', on_click=self._withdraw) \
                .props('outline color=primary no-caps').classes('w-full')

    def _licence_card(self, view: BillingView) -> None:
        with titled_card('Licence information', 'key').classes('flex-[2] min-w-[260px]'):
            for kind in LicenceKind:
                _pool(view.pools[kind])
            ui.space()
            if self.may_act:
                ui.button('Need more licences?', icon='add_shopping_cart', on_click=self._need_more) \
                    .props('unelevated color=primary no-caps').classes('w-full')

    def _contact_card(self, view: BillingView) -> None:
        with titled_card('Main contact', 'contact_mail').classes(IN_A_ROW):
            options = {contact.id: contact.name for contact in view.contacts}
            select: ui.select  # its own handler puts it back when a change is refused
            select = ui.select(options, value=view.main_contact_id, label='Main contact',
                               on_change=lambda e: self._change_contact(e.value, select)) \
                .props('outlined').classes('w-full').mark('main-contact')
            if not self.may_act:
                select.disable()
                select.props('readonly')
            contact = view.main_contact
            _field('Name', contact.name if contact else 'No main contact selected')
            _field('Email', contact.email if contact else '—')
            _field('Phone', (contact.phone or '—') if contact else '—')

    @survives_refresh
    async def _change_contact(self, user_id: int | None, select: ui.select) -> None:
        assert self.view is not None
        if user_id == self.view.main_contact_id:
            return
        if refuse_if_signed_out(self.actor):
            select.set_value(self.view.main_contact_id)
            return
        try:
            await io_bound(self._write_contact, user_id)
        except DomainError as error:
            ui.notify(str(error), type='negative')
            select.set_value(self.view.main_contact_id)
            return
        await self.reload()
        if self.view.main_contact:
            ui.notify(f'Main contact changed to {self.view.main_contact.name}.', type='positive')

    def _write_contact(self, user_id: int | None) -> None:
        with self.db.session() as session:
            billing.change_main_contact(session=session, actor=self.actor, organisation_id=self.organisation_id,
                                        user_id=user_id)

    @survives_refresh
    async def _request_deletion(self) -> None:
        assert self.view is not None and self.dialog_host is not None
        if refuse_if_signed_out(self.actor):
            return
        with self.dialog_host:
            confirmed = await confirm_deletion(self.db, self.actor, self.view, self.vendor)
        if confirmed:
            await self.reload()

    @survives_refresh
    async def _withdraw(self, event: events.ClickEventArguments) -> None:
        if refuse_if_signed_out(self.actor):
            return
        assert isinstance(event.sender, ui.button)
        event.sender.disable()

        def withdraw() -> None:
            with self.db.session() as session:
                withdraw_deletion(session=session, actor=self.actor, organisation_id=self.organisation_id,
                                  vendor=self.vendor)
        try:
            await io_bound(withdraw)
        except DomainError as error:
            ui.notify(str(error), type='negative')
        else:
            ui.notify('Your deletion request has been withdrawn.', type='positive')
        await self.reload()

    def _need_more(self) -> None:
        assert self.dialog_host is not None
        if refuse_if_signed_out(self.actor):
            return
        with self.dialog_host:
            open_licence_request_dialog(self.db, self.actor, self.organisation_id, self.vendor, purchase=False)


_ACCOUNT_TYPE_COLOURS = {AccountType.ACTIVE: 'positive', AccountType.TRIAL: 'accent', AccountType.EXPIRED: 'negative'}


def _field_box(label: str) -> ui.column:
    column = ui.column().classes('gap-0')
    with column:
        ui.label(label).classes('field-label')
    return column


def _field(label: str, value: str) -> None:
    with _field_box(label):
        ui.label(value).classes('field-value')


def _pool(pool: PoolView) -> None:
    name = pool.kind.label
    with ui.row().classes('w-full items-center gap-4 no-wrap py-1'):
        share = pool.in_use / pool.total if pool.total else 0
        with ui.column().classes('items-center gap-0 w-28 shrink-0'):
            ui.circular_progress(share, show_value=False, size='64px', color=_gauge_colour(share)) \
                .props(f'thickness=0.22 track-color=grey-3 aria-label="{pool.in_use} of {pool.total} in use"')
            usage = f'{pool.in_use:,} of {pool.total:,} in use' if pool.expiry_date else 'No licences'
            ui.label(usage).classes('text-xs text-grey-7 whitespace-nowrap')
        with ui.grid(columns='13rem minmax(0, 1fr)').classes('grow gap-x-3 gap-y-0 items-baseline'):
            ui.label(f'Total {name} licences').classes('field-label whitespace-nowrap')
            ui.label(f'{pool.total:,}').classes('field-value')
            ui.label(f'Available {name} licences').classes('field-label whitespace-nowrap')
            ui.label(f'{pool.available:,}').classes('field-value')
            ui.label(f'{name} expiry date').classes('field-label whitespace-nowrap')
            with ui.row().classes('items-center gap-x-2 gap-y-0'):
                ui.label(format_date(pool.expiry_date) or '—').classes('field-value whitespace-nowrap')
                if pool.days_left is not None:
                    ui.label(days_left_text(pool.days_left, full=True)).classes('whitespace-nowrap') \
                        .classes(days_class(pool.days_left))


def _gauge_colour(share: float) -> str:
    return 'negative' if share >= 0.95 else 'warning' if share >= 0.8 else 'primary'
