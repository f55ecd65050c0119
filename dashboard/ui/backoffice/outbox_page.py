"""Back office: the outbox, every email the product sends, newest first; a row opens the email as it reads."""

from typing import Any

from fastapi import Request
from nicegui import ui
from nicegui.events import GenericEventArguments

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.errors import DomainError
from dashboard.domain.mail.outbox_view import (
    STATUSES,
    OutboxBodies,
    OutboxFilter,
    OutboxRow,
    list_outbox,
    outbox_bodies,
    retry_failed_email,
)
from dashboard.ui.backoffice.access import backoffice_page
from dashboard.ui.format import outbox_row
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paged_table import PagedTable
from dashboard.ui.paths import OUTBOX_PATH
from dashboard.ui.session import SignedIn, refuse_if_signed_out
from dashboard.ui.table_events import clicked_row_id
from dashboard.ui.theme import frame

COLUMNS: list[dict[str, Any]] = [
    {'name': 'created', 'label': 'Created', 'field': 'created', 'align': 'left', 'classes': 'whitespace-pre'},
    {'name': 'to', 'label': 'Recipient', 'field': 'to', 'align': 'left', 'classes': 'whitespace-pre-line'},
    {'name': 'subject', 'label': 'Subject', 'field': 'subject', 'align': 'left', 'style': 'min-width: 16rem'},
    {'name': 'status', 'label': 'Status', 'field': 'status', 'align': 'left'},
    {'name': 'attempts', 'label': 'Attempts', 'field': 'attempts', 'align': 'right'},
    {'name': 'error', 'label': 'Last error', 'field': 'error', 'align': 'left', 'style': 'max-width: 12rem'},
    {'name': 'sent', 'label': 'Sent', 'field': 'sent', 'align': 'left', 'classes': 'whitespace-pre'},
]
BLOCK_REMOTE = ('<meta http-equiv="Content-Security-Policy" '
                """content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">""")
"""Put first in the email's frame: nothing remote loads (no tracking pixel fires, no address leaks) on reading it."""
NOT_SENDING = 'Mail is not being sent: no SMTP server is configured; emails stay here.'


def register(db: Database) -> None:
    @backoffice_page(db, OUTBOX_PATH, title='Outbox')
    async def outbox_page(who: SignedIn, request: Request) -> None:
        status = request.query_params.get('status', '')
        with frame(who, 'Outbox', active=OUTBOX_PATH):
            if not get_settings().smtp_host:
                with ui.row().classes('w-full items-center gap-3 p-3 rounded bg-amber-1 text-amber-10') \
                        .mark('not-sending'):
                    ui.icon('mail_lock', size='1.5rem')
                    ui.label(NOT_SENDING)
            outbox = OutboxList(db, who.actor, OutboxFilter(status=status if status in STATUSES else ''))
            await outbox.rows.read_first()
            outbox.show()


class OutboxList:
    def __init__(self, db: Database, actor: Actor, outbox_filter: OutboxFilter) -> None:
        self.db = db
        self.actor = actor
        self.rows = PagedTable(outbox_filter, read=self._read, row=outbox_row)

    def show(self) -> None:
        with ui.card().classes('card w-full p-4 gap-3').props('flat bordered') as self.card:
            with ui.row().classes('w-full items-center gap-3'):
                self.status_select = ui.select(STATUSES, label='Status', value=self.rows.filter.status,
                                               on_change=self._status_changed).mark('status') \
                    .props('outlined dense').classes('w-44')
                ui.space()
                ui.button('Refresh', icon='refresh', on_click=self.rows.reload).props('flat no-caps') \
                    .mark('refresh')
            self.table = self.rows.create(COLUMNS, marker='outbox').classes('cursor-pointer') \
                .props('flat wrap-cells no-data-label="No email here."')
            self.table.add_slot('body-cell-status', '''
                <q-td :props="props">
                  <q-badge :color="props.row.status_colour" :label="props.value" />
                  <div v-if="props.row.next" class="text-xs text-grey-7 whitespace-pre"
                    >next try<br>{{ props.row.next }}</div>
                </q-td>''')
            self.table.add_slot('body-cell-subject', '''
                <q-td :props="props">
                  <div>{{ props.value }}</div>
                  <div class="text-xs text-grey-7">{{ props.row.kind }}</div>
                </q-td>''')
            self.table.add_slot('body-cell-error', '''
                <q-td :props="props">
                  <div class="text-xs line-clamp-3 break-words" :title="props.value"
                    :class="props.row.status === 'sent' ? 'text-orange-9' : 'text-negative'">{{ props.value }}</div>
                </q-td>''')
            self.table.on('row-click', self._row_clicked)

    def _read(self, outbox_filter: OutboxFilter) -> tuple[list[OutboxRow], int]:
        with self.db.session() as session:
            return list_outbox(session=session, actor=self.actor, status=outbox_filter.status,
                               page=outbox_filter.page, page_size=outbox_filter.page_size)

    async def _status_changed(self) -> None:
        status = self.status_select.value if self.status_select.value in STATUSES else ''
        await self.rows.show(self.rows.filter.with_changes(status=status, page=1))

    async def _row_clicked(self, event: GenericEventArguments) -> None:
        email_id = clicked_row_id(event.args)
        if email_id is None:
            return  # a forged event opens nothing
        try:
            email = await io_bound(self._bodies, email_id)
        except DomainError as error:
            ui.notify(str(error), type='warning')
            return
        with self.card, ui.dialog() as dialog, ui.card().classes('w-full max-w-4xl gap-3').mark('email'):
            ui.label(email.subject).classes('text-lg font-semibold')
            ui.label(f'To: {email.to_address}').classes('text-sm text-grey-8 break-all')
            if email.last_error:
                ui.label(f'Last error: {email.last_error}').classes('text-sm text-negative break-words')
            with ui.tabs().classes('w-full').props('align=left dense no-caps') as tabs:
                html_tab = ui.tab('HTML') if email.body_html else None
                text_tab = ui.tab('Text')
            with ui.tab_panels(tabs, value=html_tab or text_tab).classes('w-full'):
                if html_tab is not None and email.body_html:
                    with ui.tab_panel(html_tab).classes('p-0'):
                        # The HTML as the recipient's mail program shows it, in a sandbox: no script runs, no link
                        # leaves it, nothing of it reaches this page, nothing remote is loaded.
                        frame_element = ui.element('iframe').classes('w-full h-[60vh] rounded') \
                            .style('border: 1px solid #e0e0e0').mark('html')
                        frame_element.props['srcdoc'] = BLOCK_REMOTE + email.body_html
                        frame_element.props['sandbox'] = ''
                        frame_element.props['title'] = 'The email as HTML'
                with ui.tab_panel(text_tab).classes('p-0'):
                    ui.label(email.body_text).classes('whitespace-pre-wrap font-mono text-sm p-3 bg-grey-1 rounded') \
                        .mark('text')
            with ui.row().classes('w-full justify-end'):
                if email.retryable and self.actor.is_admin_team:
                    async def retry(email_id: int = email.id) -> None:
                        await self._retry(email_id, dialog)

                    ui.button('Retry', icon='send', on_click=retry).props('flat no-caps color=primary') \
                        .mark('retry').tooltip('Send it again: due now, with all its attempts again')
                ui.button('Close', on_click=dialog.close).props('flat')
        dialog.on('hide', dialog.delete)
        dialog.open()

    async def _retry(self, email_id: int, dialog: ui.dialog) -> None:
        if refuse_if_signed_out(self.actor):
            dialog.close()
            return
        try:
            await io_bound(self._retry_now, email_id)
        except DomainError as error:
            ui.notify(str(error), type='warning')
            return
        ui.notify('The email is back in the queue: it goes out at the next run.', type='positive')
        dialog.close()
        await self.rows.reload()

    def _retry_now(self, email_id: int) -> None:
        with self.db.session() as session:
            retry_failed_email(session=session, actor=self.actor, email_id=email_id)

    def _bodies(self, email_id: int) -> OutboxBodies:
        with self.db.session() as session:
            return outbox_bodies(session=session, actor=self.actor, email_id=email_id)
