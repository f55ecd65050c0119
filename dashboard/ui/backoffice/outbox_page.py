"""Back office: the outbox, every email the product sends, newest first; a row opens the email as it reads."""

from fastapi import Request
from nicegui import run, ui

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.errors import DomainError
from dashboard.domain.mail.outbox_view import (
    STATUSES,
    OutboxRow,
    list_outbox,
    outbox_bodies,
    retry_failed_email,
)
from dashboard.domain.paging import PAGE_SIZES, last_page
from dashboard.ui.backoffice.access import backoffice_page
from dashboard.ui.format import outbox_row
from dashboard.ui.paths import OUTBOX_PATH
from dashboard.ui.session import SignedIn, refuse_if_signed_out
from dashboard.ui.table_events import clicked_row_id, table_request
from dashboard.ui.theme import frame

COLUMNS = [
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
            outbox = OutboxList(db, who.actor, status if status in STATUSES else '')
            await outbox.show()


class OutboxList:
    def __init__(self, db: Database, actor: Actor, status: str) -> None:
        self.db = db
        self.actor = actor
        self.status = status
        self.page, self.page_size = 1, 25

    async def show(self) -> None:
        with ui.card().classes('card w-full p-4 gap-3').props('flat bordered') as self.card:
            with ui.row().classes('w-full items-center gap-3'):
                self.status_select = ui.select(STATUSES, label='Status', value=self.status,
                                               on_change=self._status_changed).mark('status') \
                    .props('outlined dense').classes('w-44')
                ui.space()
                ui.button('Refresh', icon='refresh', on_click=self.load_page).props('flat no-caps').mark('refresh')
            self.table = ui.table(columns=COLUMNS, rows=[], row_key='id').classes('w-full cursor-pointer') \
                .mark('outbox').props(f'flat wrap-cells :rows-per-page-options="{list(PAGE_SIZES)}" '
                                      'no-data-label="No email here."')
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
            self.table.on('request', self._table_request)
            self.table.on('row-click', self._row_clicked)
        await self.load_page()

    async def load_page(self) -> None:
        rows, count = await run.io_bound(self._read)
        if self.page > last_page(count, self.page_size):
            self.page = last_page(count, self.page_size)
            rows, count = await run.io_bound(self._read)
        self.table.rows = [outbox_row(row) for row in rows]
        self.table.pagination = {'page': self.page, 'rowsPerPage': self.page_size, 'rowsNumber': count}
        self.table.update()

    def _read(self) -> tuple[list[OutboxRow], int]:
        with self.db.session() as session:
            return list_outbox(session=session, actor=self.actor, status=self.status, page=self.page,
                               page_size=self.page_size)

    async def _status_changed(self) -> None:
        self.status = self.status_select.value if self.status_select.value in STATUSES else ''
        self.page = 1
        await self.load_page()

    async def _table_request(self, event) -> None:
        asked = table_request(event.args, page_sizes=PAGE_SIZES, sortable=())
        if asked is None:
            return  # not what the table sends: nothing changes
        self.page, self.page_size = asked.page, asked.page_size or self.page_size
        await self.load_page()

    async def _row_clicked(self, event) -> None:
        email_id = clicked_row_id(event.args)
        if email_id is None:
            return  # a forged event opens nothing
        try:
            email = await run.io_bound(self._bodies, email_id)
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
                if html_tab is not None:
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
            await run.io_bound(self._retry_now, email_id)
        except DomainError as error:
            ui.notify(str(error), type='warning')
            return
        ui.notify('The email is back in the queue: it goes out at the next run.', type='positive')
        dialog.close()
        await self.load_page()

    def _retry_now(self, email_id: int) -> None:
        with self.db.session() as session:
            retry_failed_email(session=session, actor=self.actor, email_id=email_id)

    def _bodies(self, email_id: int):
        with self.db.session() as session:
            return outbox_bodies(session=session, actor=self.actor, email_id=email_id)
