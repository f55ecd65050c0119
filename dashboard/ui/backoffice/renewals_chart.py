"""Upcoming renewals per week or month as a plotly chart: licences stacked by licence type, accounts above each bar;
clicking a bar picks that period."""

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import pandas as pd
from nicegui import ui
from nicegui.events import GenericEventArguments

from dashboard.domain.models import LicenceKind
from dashboard.domain.renewals.pipeline import HORIZONS, RenewalPeriod, RenewalsFilter
from dashboard.domain.url_query import bounded_day

KIND_COLOURS = {LicenceKind.MANAGED_AGENT: '#1f4e79', LicenceKind.ON_DEMAND: '#f57c00'}
# Sends the server only the clicked bar's period, not plotly's whole event.
_CLICKED_PERIOD = '(e) => { const p = e.points && e.points[0]; if (p && p.customdata) emit(p.customdata[0], ' \
                  'p.customdata[1]); }'


class RenewalsChart:
    """The chart's card, with a spinner until `show` is first called."""

    def __init__(self, on_select: Callable[[date, date], Awaitable[None]]) -> None:
        self.on_select = on_select
        self.plot: ui.plotly | None = None
        with ui.card().classes('card w-full p-4 gap-1').props('flat bordered'):
            with ui.row().classes('w-full items-baseline gap-2'):
                self.title = ui.label('Upcoming renewals').classes('card-title')
                ui.label('Click a bar to list its renewals.').classes('text-sm text-grey-7')
            with ui.column().classes('w-full h-64 items-center justify-center') as self.body:
                ui.spinner(size='lg')

    def show(self, periods: list[RenewalPeriod], renewals_filter: RenewalsFilter) -> None:
        weekly = renewals_filter.horizon not in ('overdue', '180')
        per = 'week' if weekly else 'month'
        self.title.text = 'Overdue renewals per month' if renewals_filter.horizon == 'overdue' else \
            f'Upcoming renewals per {per} · next {HORIZONS[renewals_filter.horizon].lower()}'
        figure = renewals_figure(periods, renewals_filter)
        if self.plot is not None and figure is not None:
            self.plot.update_figure(figure)
            return
        self.body.clear()
        self.body.classes(remove='h-64 items-center justify-center')
        self.plot = None
        with self.body:
            if figure is None:
                with ui.column().classes('w-full h-24 items-center justify-center'):
                    ui.label('No renewals in this horizon with these filters.').classes('text-grey-7')
                return
            self.plot = ui.plotly(figure).classes('w-full h-64').mark('renewals-chart')
            self.plot.on('plotly_click', self._clicked, js_handler=_CLICKED_PERIOD)

    async def _clicked(self, event: GenericEventArguments) -> None:
        try:
            start, end = (bounded_day(value) for value in event.args)
        except (TypeError, ValueError):
            return  # not a bar: nothing to pick
        await self.on_select(start, end)


def renewals_figure(periods: list[RenewalPeriod], renewals_filter: RenewalsFilter) -> dict | None:
    """Licences stacked by licence type per period, the number of accounts written above each bar; the chosen
    period stands out. None when there is nothing to show."""
    if not any(period.accounts for period in periods):
        return None
    frame = pd.DataFrame([{'start': period.start.isoformat(), 'end': period.end.isoformat(), 'label': period.label,
                           'tick': _tick(period), 'accounts': period.accounts, 'licences': period.licences,
                           **{f'licences_{kind}': count for kind, count in period.licences_by_kind.items()},
                           **{f'accounts_{kind}': count for kind, count in period.accounts_by_kind.items()}}
                          for period in periods])
    chosen_start = renewals_filter.period_start if renewals_filter.has_period else None
    chosen = frame['start'] == (chosen_start.isoformat() if chosen_start is not None else None)
    opacity = [1.0 if is_chosen or not chosen.any() else 0.35 for is_chosen in chosen]
    kinds = [LicenceKind(renewals_filter.kind)] if renewals_filter.kind else list(LicenceKind)
    traces: list[dict] = [{
        'type': 'bar', 'name': f'{kind.label} licences', 'x': frame['tick'].tolist(),
        'y': frame[f'licences_{kind}'].tolist(), 'marker': {'color': KIND_COLOURS[kind], 'opacity': opacity},
        'customdata': frame[['start', 'end', 'label', f'accounts_{kind}']].values.tolist(),
        'hovertemplate': f'<b>%{{customdata[2]}}</b><br>{kind.label}: %{{y:,}} licences, '
                         f'%{{customdata[3]:,}} accounts<extra></extra>',
    } for kind in kinds]
    traces.append({
        'type': 'scatter', 'mode': 'text', 'name': 'Accounts', 'showlegend': False, 'x': frame['tick'].tolist(),
        'y': frame['licences'].tolist(), 'text': [_accounts(n) for n in frame['accounts']],
        'textposition': 'top center', 'textfont': {'size': 11, 'color': '#374151'},
        'customdata': frame[['start', 'end', 'label', 'accounts']].values.tolist(),
        'hovertemplate': '<b>%{customdata[2]}</b><br>%{customdata[3]:,} accounts, %{y:,} licences<extra></extra>',
    })
    return {
        'data': traces,
        'layout': {
            'barmode': 'stack', 'margin': {'l': 60, 'r': 20, 't': 30, 'b': 40}, 'hovermode': 'closest',
            'legend': {'orientation': 'h', 'y': 1.15, 'x': 0, 'traceorder': 'normal'},
            'plot_bgcolor': 'white', 'paper_bgcolor': 'white',
            'xaxis': {'type': 'category', 'title': {'text': 'Week starting' if _weekly(periods) else None}},
            'yaxis': {'title': {'text': 'Licences'}, 'rangemode': 'tozero', 'gridcolor': '#eef0f3',
                      'range': [0, max(frame['licences']) * 1.18]},
        },
        'config': {'displaylogo': False, 'responsive': True, 'displayModeBar': False},
    }


def _weekly(periods: list[RenewalPeriod]) -> bool:
    return any(period.end - period.start == timedelta(days=6) and period.start.weekday() == 0
               for period in periods)


def _tick(period: RenewalPeriod) -> str:
    if period.end - period.start == timedelta(days=6) and period.start.weekday() == 0:
        return f'{period.start.day} {period.start:%b}'
    if period.start.day == 1 and period.label[0].isalpha():
        return f'{period.start:%b %Y}'
    return 'Earlier'


def _accounts(count: int) -> str:
    return '' if count == 0 else f'{count} account{"s" if count != 1 else ""}'
