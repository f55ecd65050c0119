"""Back office: one organisation. The Billing view its customers see (both tabs), what is waiting on the vendor, and
for the Admin Team the actions that change its licences and plan; everything follows changes live."""

from collections.abc import Awaitable, Callable
from functools import partial

from fastapi import Request
from nicegui import ui

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.auth.invitations import OrganisationPeople, organisation_people
from dashboard.domain.billing import licence_details as billing
from dashboard.domain.billing.licence_details import BillingView
from dashboard.domain.billing.licence_requests import mark_licence_request_handled
from dashboard.domain.clock import utc_date
from dashboard.domain.deletion.progress import DeletionProgress, deletion_progress
from dashboard.domain.errors import DomainError, NotFound
from dashboard.domain.formatting import format_date, format_timestamp
from dashboard.domain.models import DeletionStatus, LicenceKind, Plan
from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.organisations.listing import PendingRequests, pending_requests
from dashboard.domain.vendor import Vendor
from dashboard.ui.backoffice import licence_admin_dialogs as dialogs
from dashboard.ui.backoffice.access import backoffice_page
from dashboard.ui.backoffice.people_card import people_card
from dashboard.ui.billing.view import BillingTabs
from dashboard.ui.cards import titled_card
from dashboard.ui.io_bound import io_bound
from dashboard.ui.live import follow_changes, survives_refresh
from dashboard.ui.paths import ORGANISATION_PATH, ORGANISATIONS_PATH, organisation_path
from dashboard.ui.session import SignedIn, refuse_if_signed_out
from dashboard.ui.theme import frame


def register(db: Database, vendor: Vendor) -> None:
    @backoffice_page(db, ORGANISATION_PATH, title='Organisation')
    async def organisation_page(who: SignedIn, request: Request, organisation_id: str) -> None:
        # Not a whole number of at most 18 digits (a 64-bit id): no such organisation, rather than a database error.
        valid = organisation_id.isdecimal() and len(organisation_id) <= 18
        panel = OrganisationPanel(db, who.actor, int(organisation_id) if valid else 0, vendor)
        try:
            await panel.load()
        except NotFound:
            with frame(who, 'Organisation not found', active=ORGANISATIONS_PATH):
                _back_link()
                ui.label(f'There is no organisation "{organisation_id}".').classes('text-grey-8')
            return
        assert panel.view is not None
        with frame(who, panel.view.name, active=ORGANISATIONS_PATH):
            _back_link()
            panel.show()
            panel.dialog_host = ui.element()
            await BillingTabs(db, who.actor, panel.organisation_id, vendor, query=dict(request.query_params),
                              path=organisation_path(panel.organisation_id)).show()
            follow_changes(db, lambda _changed: panel.reload(), organisation_id=panel.organisation_id)


def _back_link() -> None:
    ui.link('← All organisations', ORGANISATIONS_PATH).classes('text-primary text-sm -mt-2')


class OrganisationPanel:
    """The Admin Team's card (read-only for sales) and what is waiting on the vendor."""

    def __init__(self, db: Database, actor: Actor, organisation_id: int, vendor: Vendor) -> None:
        self.db = db
        self.actor = actor
        self.organisation_id = organisation_id
        self.vendor = vendor
        self.view: BillingView | None = None
        self.pending: PendingRequests | None = None
        self.deletion: DeletionProgress | None = None
        self.people: OrganisationPeople | None = None
        # Dialogs live outside the refreshed cards: a live refresh while one is open must not take it away.
        self.dialog_host: ui.element | None = None

    async def load(self) -> None:
        self.view, self.pending, self.deletion, self.people = await io_bound(self._read)

    def _read(self) -> tuple[BillingView, PendingRequests, DeletionProgress | None, OrganisationPeople]:
        with self.db.session() as session:
            return (billing.billing_view(session=session, actor=self.actor, organisation_id=self.organisation_id),
                    pending_requests(session=session, actor=self.actor, organisation_id=self.organisation_id),
                    deletion_progress(session=session, actor=self.actor, organisation_id=self.organisation_id),
                    organisation_people(session=session, actor=self.actor, organisation_id=self.organisation_id))

    async def reload(self) -> None:
        await self.load()
        self.show.refresh()

    @ui.refreshable_method
    def show(self) -> None:
        assert self.view is not None and self.pending is not None and self.people is not None
        with ui.row().classes('w-full gap-4 items-stretch'):
            self._admin_card(self.view)
            self._requests_card(self.pending)
        people_card(self.db, self.actor, self.organisation_id, self.vendor, self.people, reload=self.reload,
                    action=self._action)

    def _admin_card(self, view: BillingView) -> None:
        admin = self.actor.is_admin_team
        subject = (self.db, self.actor, self.organisation_id)
        with titled_card('Admin Team' if admin else 'Licences and plan', 'admin_panel_settings') \
                .classes('flex-1 min-w-[320px]').mark('admin'):
            for kind in LicenceKind:
                pool = view.pools[kind]
                with ui.row().classes('w-full items-center gap-2 no-wrap'):
                    with ui.column().classes('gap-0 grow'):
                        ui.label(f'{kind.label} licences').classes('field-label')
                        if pool.expiry_date:
                            ui.label(f'{pool.in_use:,} of {pool.total:,} in use').classes('field-value')
                            ui.label(f'expire on {format_date(pool.expiry_date)}').classes('field-label')
                        else:
                            ui.label('None').classes('field-value')
                    if admin and pool.expiry_date:
                        self._action('Change total', 'tune', partial(dialogs.change_total, *subject, pool)) \
                            .mark(f'change-total-{kind}')
                        self._action('Change expiry', 'event', partial(dialogs.change_expiry, *subject, pool)) \
                            .mark(f'change-expiry-{kind}')
                    elif admin:
                        self._action(f'Add {kind.label} licences', 'add',
                                     partial(dialogs.add_licences, *subject, pool, view.subscription_end)) \
                            .mark(f'add-{kind}')
            with ui.row().classes('w-full items-center gap-2 no-wrap'):
                with ui.column().classes('gap-0 grow'):
                    ui.label('Plan').classes('field-label')
                    plan = 'Trial' if view.plan == Plan.TRIAL else 'Paid'
                    expired = view.account_type is AccountType.EXPIRED
                    ui.label(f'{plan} (expired)' if expired else plan).classes('field-value')
                    ui.label(f'subscription ends {format_date(view.subscription_end)}').classes('field-label')
                if admin and view.plan == Plan.TRIAL:
                    self._action('Convert to paid', 'workspace_premium',
                                 partial(dialogs.convert, self.db, self.actor, view)).mark('convert')
            if not admin:
                ui.label('Read-only: licences and plans are changed by the Admin Team.') \
                    .classes('text-grey-7 text-sm')

    def _action(self, label: str, icon: str, open_dialog: Callable[[], Awaitable[str | None]]) -> ui.button:
        @survives_refresh
        async def run_dialog() -> None:
            assert self.dialog_host is not None
            with self.dialog_host:
                message = await open_dialog()
            if message:
                ui.notify(message, type='positive')
                await self.reload()
        return ui.button(label, icon=icon, on_click=run_dialog).props('outline dense no-caps color=primary') \
            .classes('px-2 shrink-0')

    def _requests_card(self, pending: PendingRequests) -> None:
        with titled_card('Waiting on the vendor', 'pending_actions').classes('flex-1 min-w-[320px]').mark('requests'):
            request = pending.deletion
            done = self.deletion if self.deletion and self.deletion.status == DeletionStatus.COMPLETED else None
            if request is None and done is not None and done.completed_at is not None:
                with ui.column().classes('w-full gap-0 p-3 rounded bg-grey-2 text-grey-9'):
                    ui.label('Account cancelled').classes('font-semibold')
                    purge = (f'personal data purged on {format_date(utc_date(done.purged_at))}' if done.purged_at
                             else f'personal data purge due {format_date(done.purge_due_on)}')
                    ui.label(f'On {format_date(utc_date(done.completed_at))}; {purge}.')
            elif request is None:
                ui.label('No deletion request.').classes('text-grey-7')
            else:
                state = 'Deletion requested' if request.status == DeletionStatus.PENDING else 'Deletion in progress'
                with ui.column().classes('w-full gap-0 p-3 rounded bg-red-1 text-red-10'):
                    ui.label(state).classes('font-semibold')
                    ui.label(f'By {request.requested_by_name} on {format_timestamp(request.requested_at)}; takes '
                             f'effect on {format_date(request.effective_date)}.')
                if self.actor.is_admin_team and request.status == DeletionStatus.PENDING \
                        and request.effective_date > clock.today():
                    self._action('Bring forward', 'fast_forward',
                                 partial(dialogs.bring_forward, self.db, self.actor, self.organisation_id,
                                         self.vendor, request.effective_date)).mark('bring-forward')
            if not pending.licence_requests:
                ui.label('No open licence requests.').classes('text-grey-7')
            for licence_request in pending.licence_requests:
                with ui.row().classes('w-full items-start gap-2 no-wrap'):
                    with ui.column().classes('gap-0 grow'):
                        ui.label(f'{licence_request.quantity:,} {licence_request.kind.label} licences') \
                            .classes('field-value')
                        ui.label(f'Asked by {licence_request.requested_by_name} on '
                                 f'{format_timestamp(licence_request.requested_at)}').classes('field-label')
                        if licence_request.message:
                            ui.label(f'“{licence_request.message}”').classes('text-grey-8 text-sm italic')
                    if self.actor.is_admin_team:
                        request_id = licence_request.id
                        ui.button('Mark as handled', icon='task_alt',
                                  on_click=lambda _, request_id=request_id: self._mark_handled(request_id)) \
                            .props('flat dense no-caps color=primary').classes('shrink-0') \
                            .mark(f'handled-{request_id}')

    @survives_refresh
    async def _mark_handled(self, request_id: int) -> None:
        if refuse_if_signed_out(self.actor):
            return

        def mark() -> None:
            with self.db.session() as session:
                mark_licence_request_handled(session=session, actor=self.actor, request_id=request_id)
        try:
            await io_bound(mark)
        except DomainError as error:
            ui.notify(str(error), type='negative')
        else:
            ui.notify('The licence request is marked as handled.', type='positive')
        await self.reload()

