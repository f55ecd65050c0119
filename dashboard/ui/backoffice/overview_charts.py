"""The Usage overview's plotly figures: dicts built with pandas from what `usage_overview` gives."""

import pandas as pd

from dashboard.domain.models import LicenceKind
from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.usage.overview import (
    BAND_PERCENT,
    BANDS,
    BARELY_USED,
    NEAR_LIMIT,
    USAGE_GROUPS,
    UsageOverview,
)
from dashboard.ui.billing.history_chart import KIND_COLOURS

# as the account type badges
ACCOUNT_TYPE_COLOURS = {AccountType.ACTIVE: '#2e7d32', AccountType.TRIAL: '#f57c00', AccountType.EXPIRED: '#b91c1c'}
MEASURES = {'licences': 'Licences', 'accounts': 'Accounts'}


def organisations_figure(overview: UsageOverview) -> dict:
    """Stacked bars: one per region, split by account type."""
    counts = overview.organisations
    regions = [_two_lines(region.label) for region in counts.columns]
    traces = [{'type': 'bar', 'name': account_type, 'x': regions, 'y': counts.loc[account_type].tolist(),
               'marker': {'color': ACCOUNT_TYPE_COLOURS[account_type]},
               'text': [f'{n:,}' if n else '' for n in counts.loc[account_type]], 'textposition': 'inside',
               'insidetextanchor': 'middle', 'hovertemplate': f'%{{y:,}} {account_type.lower()}<extra></extra>'}
              for account_type in AccountType]
    totals = counts.sum()
    annotations = [{'x': region, 'y': int(total), 'text': f'<b>{total:,}</b>', 'showarrow': False, 'yanchor': 'bottom'}
                   for region, total in zip(regions, totals, strict=True)]
    return _figure(traces, barmode='stack', yaxis={'title': {'text': 'Organisations'}, 'rangemode': 'tozero'},
                   annotations=annotations, hovermode='x unified', uniformtext={'minsize': 10, 'mode': 'hide'})


def distribution_figure(overview: UsageOverview) -> dict:
    """A histogram per licence kind: accounts per band of utilisation, the barely used and near-limit bands shaded."""
    lower = pd.Series(range(BANDS)) * BAND_PERCENT
    bands = pd.DataFrame({kind: overview.kinds[kind].bands for kind in LicenceKind})
    labels = (lower.astype(str) + '–' + (lower + BAND_PERCENT).astype(str) + '%').tolist()
    traces = [{'type': 'bar', 'name': kind.label, 'x': (lower + BAND_PERCENT / 2).tolist(), 'y': bands[kind].tolist(),
               'customdata': labels, 'marker': {'color': KIND_COLOURS[kind]},
               'hovertemplate': f'%{{y:,}} accounts use %{{customdata}} of their {kind.label} licences<extra></extra>'}
              for kind in LicenceKind]
    shapes, annotations = [], []
    for group, colour, label in [(BARELY_USED, '#6b7280', 'Barely used'), (NEAR_LIMIT, '#b91c1c', 'Near the limit')]:
        span = USAGE_GROUPS[group]
        x0, x1 = span.start * BAND_PERCENT, span.stop * BAND_PERCENT
        shapes.append({'type': 'rect', 'xref': 'x', 'yref': 'paper', 'x0': x0, 'x1': x1, 'y0': 0, 'y1': 1,
                       'fillcolor': colour, 'opacity': 0.08, 'line': {'width': 0}, 'layer': 'below'})
        annotations.append({'xref': 'x', 'yref': 'paper', 'x': x1 if group == NEAR_LIMIT else x0, 'y': 1,
                            'xanchor': 'right' if group == NEAR_LIMIT else 'left', 'yanchor': 'bottom',
                            'text': label, 'showarrow': False, 'font': {'size': 11, 'color': colour}})
    return _figure(traces, barmode='group', bargap=0.12, shapes=shapes, annotations=annotations,
                   legend={'orientation': 'h', 'x': 0.5, 'xanchor': 'center', 'y': 1.14},
                   xaxis={'title': {'text': 'Share of bought licences in use'}, 'range': [0, 100], 'dtick': 10,
                          'ticksuffix': '%'},
                   yaxis={'title': {'text': 'Paid accounts'}, 'rangemode': 'tozero'})


def expiry_figure(overview: UsageOverview, measure: str = 'licences') -> dict:
    """Stacked bars per month: licences (or accounts) whose pool expires that month, by licence kind."""
    frame = pd.DataFrame([{'month': month.month.isoformat(), 'kind': kind, 'licences': month.licences[kind],
                           'accounts': month.accounts[kind]}
                          for month in overview.expiring for kind in LicenceKind])
    traces = [{'type': 'bar', 'name': kind.label, 'x': rows['month'].tolist(), 'y': rows[measure].tolist(),
               'marker': {'color': KIND_COLOURS[kind]}, 'customdata': rows[['licences', 'accounts']].values.tolist(),
               'hovertemplate': f'{kind.label}: %{{customdata[0]:,}} licences, %{{customdata[1]:,}} accounts'
                                '<extra></extra>'}
              for kind, rows in ((kind, frame[frame['kind'] == kind]) for kind in LicenceKind)]
    return _figure(traces, barmode='stack', hovermode='x unified',
                   xaxis={'type': 'date', 'tickformat': '%b<br>%Y', 'dtick': 'M1', 'hoverformat': '%B %Y'},
                   yaxis={'title': {'text': f'{MEASURES[measure]} expiring'}, 'rangemode': 'tozero'})


def _figure(traces: list[dict], **layout: object) -> dict:
    return {
        'data': traces,
        'layout': {'margin': {'l': 60, 'r': 20, 't': 30, 'b': 50},
                   'legend': {'orientation': 'h', 'y': 1.14, 'traceorder': 'normal'},
                   'plot_bgcolor': 'white', 'paper_bgcolor': 'white', 'font': {'size': 12}, **layout},
        'config': {'displaylogo': False, 'responsive': True},
    }


def _two_lines(region_label: str) -> str:
    """`EU/EEA<br>(Germany West Central)`: long region names under a bar."""
    return region_label.replace(' (', '<br>(')
