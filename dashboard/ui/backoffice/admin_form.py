"""The shape of every Admin Team dialog: a title, the form's fields, a refusal line, Cancel and the save button.

Saving reads the fields on the page, then runs one domain action in a session of its own on a worker thread; the
action's confirmation closes the dialog, a refusal is shown in it, and it stays open with what was typed."""

import logging
from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement
from sqlalchemy.exc import SQLAlchemyError

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.errors import DomainError
from dashboard.ui.io_bound import io_bound
from dashboard.ui.refusal import Refusal
from dashboard.ui.session import refuse_if_signed_out

log = logging.getLogger(__name__)
Save = Callable[..., str]  # save(session, *the fields' values) runs the action and returns the confirmation


class AdminForm:
    def __init__(self, db: Database, actor: Actor, title: str, save_label: str) -> None:
        self.db = db
        self.actor = actor
        self.save: Save | None = None
        self.fields: tuple[ValueElement[Any], ...] = ()
        with ui.dialog() as self.dialog, ui.card().classes('p-6 gap-3 w-[30rem] max-w-full'):
            ui.label(title).classes('text-lg font-semibold')
            self.body = ui.column().classes('w-full gap-3')
            self.error = Refusal()
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button('Cancel', on_click=lambda: self.dialog.submit(None)).props('flat no-caps')
                self.button = ui.button(save_label, on_click=self._save) \
                    .props('unelevated color=primary no-caps').mark('save')

    async def open(self, save: Save, *fields: ValueElement[Any]) -> str | None:
        """Shows the form until it is saved (the confirmation) or cancelled (None); saving calls `save(session,
        *values)` with the values the `fields` hold when the button is pressed."""
        self.save, self.fields = save, fields
        try:
            return await self.dialog
        finally:
            if not self.dialog.is_deleted:  # a live refresh of the page behind may have deleted it already
                self.dialog.delete()

    async def _save(self) -> None:
        if refuse_if_signed_out(self.actor):
            self.dialog.submit(None)
            return
        values = [field.value for field in self.fields]  # read here, on the page's thread
        self.button.props('loading')
        try:
            message = await io_bound(self._run, values)
        except DomainError as error:
            self.error.say(str(error))
        except SQLAlchemyError:  # e.g. the database busy for too long: the transaction was rolled back
            log.exception('An Admin Team change failed')
            self.error.say('The change could not be saved just now and nothing was changed: please try again.')
        else:
            self.dialog.submit(message)
        finally:
            self.button.props(remove='loading')

    def _run(self, values: list[Any]) -> str:
        assert self.save is not None
        with self.db.session() as session:
            return self.save(session, *values)
