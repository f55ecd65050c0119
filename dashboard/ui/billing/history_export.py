"""`Export CSV` of the Licence history: a download route that streams exactly the filtered rows."""

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from nicegui import app

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.billing.licence_details import get_organisation
from dashboard.domain.errors import DomainError
from dashboard.domain.history.query import HistoryFilter, export_history_csv
from dashboard.ui.csv_download import csv_download
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paths import HISTORY_EXPORT_PATH
from dashboard.ui.session import signed_in


def register(db: Database) -> None:
    @app.get(HISTORY_EXPORT_PATH)
    async def history_csv(organisation_id: int, request: Request) -> StreamingResponse:
        who = await signed_in(db)
        if who is None:
            raise HTTPException(status_code=401, detail='Log in to export the licence history.')
        history_filter = HistoryFilter.from_query(dict(request.query_params))
        if history_filter.errors:
            raise HTTPException(status_code=400, detail=' '.join(history_filter.errors))
        try:
            serial = await io_bound(_check, db, who.actor, organisation_id)
        except DomainError as error:
            raise HTTPException(status_code=403, detail=str(error)) from error
        return await csv_download(
            db, lambda session: export_history_csv(session=session, actor=who.actor, organisation_id=organisation_id,
                                                   history_filter=history_filter),
            f'licence-history-{serial}.csv')


def _check(db: Database, actor: Actor, organisation_id: int) -> str:
    actor.require_view_billing(organisation_id)
    with db.session() as session:
        return get_organisation(session=session, organisation_id=organisation_id).serial_number
