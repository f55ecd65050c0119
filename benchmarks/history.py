"""How fast the Licence history tab answers for one organisation with 200,000 history rows among many others.

    .venv/bin/python benchmarks/history.py [--database-url URL] [--orgs N] [--rows N] [--repeat N]

Fills a new database (by default a temporary SQLite file; a URL given must point at an empty database) with the demo
data, its showcase organisation given --rows history rows, then times each query as that organisation's billing admin
sees it and prints p50 and p95 in milliseconds. A page or filter slower than 50 ms at p95 gets its query plan printed.
"""

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select
from timing import analyse, explain, percentile

from dashboard.db import Database
from dashboard.demo_data import generate_demo
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.history.query import HistoryFilter, export_history_csv, list_history
from dashboard.domain.history.totals import licence_totals_series
from dashboard.domain.models import HistoryAction, LicenceKind, Organisation, User

TARGET_MS = 50
SHOWCASE_BILLING_ADMIN = 'billing@brightwater.example'


def main() -> int:
    args = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(args.database_url or f'sqlite:///{folder}/history.db')
        db.migrate()
        with db.session() as session:
            if session.exec(select(func.count()).select_from(Organisation)).one():
                print('The database is not empty: the benchmark needs a new one.', file=sys.stderr)
                return 1
        started = time.perf_counter()
        summary = generate_demo(
            db=db,
            organisations=args.orgs,
            seed=args.seed,
            progress=sys.stderr.isatty(),
            showcase_history_rows=args.rows,
        )
        print(f'{summary.describe()} {time.perf_counter() - started:.1f} s on {db.engine.dialect.name}.')
        if args.analyse or not db.is_sqlite:
            analyse(db)  # what PostgreSQL's autovacuum does soon after a bulk load
        with db.session() as session:
            _run(session, db, args)
        db.engine.dispose()
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--database-url', help='an empty database (default: a temporary SQLite file)')
    parser.add_argument('--orgs', type=int, default=3000, help='organisations around the big one (default 3000)')
    parser.add_argument('--rows', type=int, default=200_000, help='history rows of the big organisation')
    parser.add_argument('--seed', type=int, default=247)
    parser.add_argument('--repeat', type=int, default=50, help='runs of each page query (default 50)')
    parser.add_argument('--export-repeat', type=int, default=5, help='runs of each CSV export (default 5)')
    parser.add_argument('--analyse', action='store_true', help='run ANALYZE on SQLite too (nothing does it there)')
    return parser.parse_args()


def _run(session: Session, db: Database, args: argparse.Namespace) -> None:
    user = session.exec(select(User).where(User.email_key == SHOWCASE_BILLING_ADMIN)).one()
    actor, organisation_id = Actor.of(user), user.organisation_id
    assert organisation_id is not None
    today = clock.today()
    filtered = HistoryFilter(
        actions=(HistoryAction.LICENCES_INCREASED, HistoryAction.LICENCES_DECREASED),
        kind=LicenceKind.MANAGED_AGENT,
        date_from=today - timedelta(days=182),
        date_to=today,
    )
    _, total = list_history(
        session=session, actor=actor, organisation_id=organisation_id, history_filter=HistoryFilter()
    )
    _, matching = list_history(session=session, actor=actor, organisation_id=organisation_id, history_filter=filtered)
    print(f'Organisation {organisation_id}: {total:,} history rows, {matching:,} of them in the filtered view.\n')

    def page(history_filter: HistoryFilter) -> Callable[[], object]:
        return lambda: list_history(
            session=session, actor=actor, organisation_id=organisation_id, history_filter=history_filter
        )

    def export(history_filter: HistoryFilter) -> Callable[[], object]:
        return lambda: sum(
            len(chunk)
            for chunk in export_history_csv(
                session=session, actor=actor, organisation_id=organisation_id, history_filter=history_filter
            )
        )

    pages = [
        ('first page (newest 25)', page(HistoryFilter())),
        ('filtered page: increases+decreases, Managed Agent, 6 months', page(filtered)),
        ('free-text page: "PO 45"', page(HistoryFilter(text='PO 45'))),
        ('free-text page: "zzz" (matches nothing)', page(HistoryFilter(text='zzz'))),
        ('sorted by action', page(HistoryFilter(sort='action'))),
        ('sorted by actor', page(HistoryFilter(sort='actor'))),
        ('last page (deep offset)', page(HistoryFilter(page=max(1, -(-total // 25))))),
        (
            'licence totals chart series',
            lambda: licence_totals_series(session=session, actor=actor, organisation_id=organisation_id),
        ),
    ]
    exports = [
        (f'CSV export, filtered ({matching:,} rows)', export(filtered)),
        (f'CSV export, all rows ({total:,} rows)', export(HistoryFilter())),
    ]
    print(f'{"query":<62} {"p50 ms":>9} {"p95 ms":>9}  runs')
    slow = [name for name, call in pages if _report(name, call, args.repeat, target=True)]
    for name, call in exports:
        _report(name, call, args.export_repeat, target=False)
    for name in slow:
        explain(session, db, name, dict(pages)[name])


def _report(name: str, call: Callable[[], object], repeat: int, *, target: bool) -> bool:
    """Prints p50 and p95 of `repeat` timed runs (after one untimed warm-up); True when it misses the target."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentile(times, 50), percentile(times, 95)
    missed = target and p95 > TARGET_MS
    print(f'{name:<62} {p50:>9.1f} {p95:>9.1f}  {repeat}{"  MISSES the 50 ms target" if missed else ""}')
    return missed


if __name__ == '__main__':
    raise SystemExit(main())
