"""`Export CSV` of the Renewals page: a download route that streams exactly the filtered rows, all pages."""

from datetime import date

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from nicegui import app

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.errors import DomainError
from dashboard.domain.renewals.pipeline import HORIZONS, RenewalsFilter, export_renewals_csv
from dashboard.ui.csv_download import csv_download
from dashboard.ui.paths import RENEWALS_EXPORT_PATH
from dashboard.ui.session import signed_in


def register(db: Database) -> None:
    @app.get(RENEWALS_EXPORT_PATH)
    async def renewals_csv(request: Request) -> StreamingResponse:
        who = await signed_in(db)
        if who is None:
            raise HTTPException(status_code=401, detail='Log in to export the renewals.')
        try:
            who.actor.require_vendor()
        except DomainError as error:
            raise HTTPException(status_code=403, detail=str(error)) from error
        today = clock.today()
        renewals_filter = RenewalsFilter.from_query(dict(request.query_params), today=today)
        if renewals_filter.errors:
            raise HTTPException(status_code=400, detail=' '.join(renewals_filter.errors))
        return await csv_download(
            db, lambda session: export_renewals_csv(session=session, actor=who.actor, renewals_filter=renewals_filter,
                                                    today=today),
            export_filename(renewals_filter, today))


def export_filename(renewals_filter: RenewalsFilter, today: date) -> str:
    """What was exported and when, in letters, digits and hyphens: `renewals-90-days-2026-11-27.csv`,
    `renewals-30-days-uk-trial-managed-agent-2026-11-27.csv`,
    `renewals-180-days-2026-12-01-to-2026-12-31-2026-11-27.csv`, `renewals-overdue-2026-11-27.csv`. The search text and
    the utilisation bounds are left out, to keep the name short and safe."""
    f = renewals_filter
    parts = ['renewals', HORIZONS[f.horizon].lower().replace(' ', '-'), f.region, f.account_type,
             f.kind.replace('_', '-')]
    if f.period_start and f.period_end:
        parts += [f.period_start.isoformat(), 'to', f.period_end.isoformat()]
    return '-'.join(part for part in [*parts, today.isoformat()] if part) + '.csv'
