"""Licence totals over time, rebuilt from the licence history, as a plotly step chart."""

from collections.abc import Awaitable, Callable

import pandas as pd
from nicegui import ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.history.totals import licence_totals_series
from dashboard.domain.models import LicenceKind
from dashboard.ui.io_bound import io_bound

KIND_COLOURS = {LicenceKind.MANAGED_AGENT: '#1f4e79', LicenceKind.ON_DEMAND: '#f57c00'}


def licence_totals_chart(db: Database, actor: Actor, organisation_id: int) -> Callable[[], Awaitable[None]]:
    """The chart's card, empty; await what it returns to fill it (again, after a change). Run it once the rest of
    the page is built (`ui.timer(0, fill, once=True)`): read after the page is shown, a long history never holds up
    the table."""
    with ui.card().classes('card w-full p-4 gap-1').props('flat bordered'):
        ui.label('Licence totals over time').classes('card-title')
        with ui.column().classes('w-full h-60 items-center justify-center') as body:
            ui.spinner(size='lg')

    async def fill() -> None:
        series = await io_bound(_read, db, actor, organisation_id)
        body.clear()
        body.classes(remove='h-60 items-center justify-center')
        with body:
            if all(len(points) < 2 for points in series.values()):  # today's totals alone make no history
                ui.label('No licence changes recorded yet.').classes('text-grey-7')
            else:
                ui.plotly(totals_figure(series)).classes('w-full h-60')

    return fill


def _read(db: Database, actor: Actor, organisation_id: int) -> dict[LicenceKind, list]:
    with db.session() as session:
        return licence_totals_series(session=session, actor=actor, organisation_id=organisation_id)


def totals_figure(series: dict[LicenceKind, list]) -> dict:
    """One line per kind; On-demand gets an axis of its own on the right, as its numbers are usually far smaller."""
    both = all(series.get(kind) for kind in LicenceKind)
    traces = []
    for kind, points in series.items():
        if not points:
            continue
        frame = pd.DataFrame(points, columns=['when', 'total'])
        traces.append({
            'yaxis': 'y2' if both and kind is LicenceKind.ON_DEMAND else 'y',
            'type': 'scatter', 'mode': 'lines', 'line': {'shape': 'hv', 'width': 2.5, 'color': KIND_COLOURS[kind]},
            'name': f'{kind.label} licences', 'x': frame['when'].dt.strftime('%Y-%m-%dT%H:%M:%S').tolist(),
            'y': frame['total'].tolist(), 'hovertemplate': '%{y:,} licences<br>%{x|%-d %b %Y}<extra></extra>',
        })
    return {
        'data': traces,
        'layout': {
            'margin': {'l': 60, 'r': 60, 't': 10, 'b': 30}, 'hovermode': 'x unified',
            'legend': {'orientation': 'h', 'y': 1.12},
            'yaxis': _axis('Managed Agent licences', LicenceKind.MANAGED_AGENT) if both else _axis('Licences', None),
            **({'yaxis2': {**_axis('On-demand licences', LicenceKind.ON_DEMAND), 'overlaying': 'y', 'side': 'right',
                           'showgrid': False}} if both else {}),
            'xaxis': {'type': 'date'}, 'plot_bgcolor': 'white', 'paper_bgcolor': 'white',
        },
        'config': {'displaylogo': False, 'responsive': True},
    }


def _axis(title: str, kind: LicenceKind | None) -> dict:
    colour = KIND_COLOURS[kind] if kind else '#444'
    return {'title': {'text': title, 'font': {'color': colour}}, 'tickfont': {'color': colour}, 'rangemode': 'tozero'}
