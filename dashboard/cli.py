"""The command line: `python -m dashboard serve | import | demo | set-password | deactivate | reactivate |
jobs run-once`."""

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, func, select

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.auth.accounts import set_password, set_user_active
from dashboard.domain.errors import DomainError
from dashboard.domain.models import Organisation, Role

DEFAULT_DEMO_ORGS = 60
DEFAULT_DEMO_SEED = 247
SIMULATION_RISK = 'cancels accounts and purges data as if it were then; only for a demo or test database'


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, 'at', None) is not None and args.at > clock.now() and not args.simulate:
        parser.error(f'--at {args.at.isoformat()} is in the future: it {SIMULATION_RISK}. Add --simulate to do it '
                     'anyway')  # exits 2 before anything runs
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='python -m dashboard', description='Licence billing dashboard')
    commands = parser.add_subparsers(required=True, metavar='COMMAND')

    serve = commands.add_parser('serve', help='run the web app')
    serve.add_argument('--host', default='127.0.0.1')
    serve.add_argument('--port', type=int, default=8080)
    serve.add_argument('--demo', action='store_true', help='fill an empty database with demo data first')
    _demo_options(serve)
    serve.set_defaults(run=_serve)

    load = commands.add_parser('import', help='load the CSV files of a folder (see the README)')
    load.add_argument('directory', type=Path)
    load.set_defaults(run=_import)

    demo = commands.add_parser('demo', help='fill an empty database with deterministic demo data')
    _demo_options(demo)
    demo.set_defaults(run=_demo)

    password = commands.add_parser('set-password', help="set a user's password, read from standard input")
    password.add_argument('email')
    password.set_defaults(run=_set_password)

    deactivate = commands.add_parser('deactivate', help='stop a user signing in and end every session of theirs')
    deactivate.add_argument('email')
    deactivate.set_defaults(run=lambda args: _set_active(args, active=False))
    reactivate = commands.add_parser('reactivate', help='let a deactivated user sign in again')
    reactivate.add_argument('email')
    reactivate.set_defaults(run=lambda args: _set_active(args, active=True))

    jobs = commands.add_parser('jobs', help='the scheduled jobs: mail delivery, reminders, deletions')
    job_commands = jobs.add_subparsers(required=True, metavar='ACTION')
    run_once = job_commands.add_parser('run-once', help='run every job once now (for cron) and say what each did')
    run_once.add_argument('--at', type=_moment, metavar='WHEN',
                          help='run them as if it were then (YYYY-MM-DD, at the current UTC time of day, or an ISO '
                               'time; UTC unless it says): to try the deletion lifecycle by hand. A future WHEN needs '
                               '--simulate. Mail delivery always uses the real time')
    run_once.add_argument('--simulate', action='store_true',
                          help=f'allow a future --at: it {SIMULATION_RISK}')
    run_once.set_defaults(run=_run_jobs_once)
    return parser


def _demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--orgs', type=_positive, default=DEFAULT_DEMO_ORGS, help='how many organisations')
    parser.add_argument('--seed', type=int, default=DEFAULT_DEMO_SEED, help='the same seed gives the same data')


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f'{value!r} is not a whole number of at least 1')
    return int(value)


def _database() -> Database:
    db = Database(get_settings().database_url)
    db.migrate()
    return db


def _serve(args: argparse.Namespace) -> int:
    db = _database()
    if args.demo:
        _fill_with_demo(db, args.orgs, args.seed, if_empty=True)
    # Browser sessions are kept beside the database, not in whatever folder the app was started from.
    os.environ.setdefault('NICEGUI_STORAGE_PATH', str(get_settings().data_dir / '.nicegui'))
    from dashboard.app import run  # NiceGUI is imported only for the web app

    run(db=db, host=args.host, port=args.port)
    return 0


def _import(args: argparse.Namespace) -> int:
    from dashboard.importer import ImportFailed, import_directory

    if not args.directory.is_dir():
        print(f'{args.directory}: no such folder', file=sys.stderr)
        return 2
    db = _database()
    try:
        report = import_directory(db=db, directory=args.directory, progress=sys.stderr.isatty())
    except ImportFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        if failure.more:
            print(f'... and {failure.more} more problems', file=sys.stderr)
        print('Nothing was imported.', file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _demo(args: argparse.Namespace) -> int:
    return _fill_with_demo(_database(), args.orgs, args.seed, if_empty=False)


def _fill_with_demo(db: Database, organisations: int, seed: int, *, if_empty: bool) -> int:
    from dashboard.demo_data import demo_logins, generate_demo

    with db.session() as session:
        existing = session.exec(select(func.count()).select_from(Organisation)).one()
    if existing:
        if if_empty:
            print('The database already has data; demo data is added only to an empty database.')
            _print_logins(demo_logins(db=db))
            return 0
        print(f'The database already has {existing} organisations; demo fills only an empty database. '
              'Point DATABASE_URL at a new database or remove the old one.', file=sys.stderr)
        return 1
    summary = generate_demo(db=db, organisations=organisations, seed=seed, progress=sys.stderr.isatty())
    print(summary.describe())
    _print_logins(demo_logins(db=db))
    return 0


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    from dashboard.demo_data.logins import TWO_FACTOR_NOTE

    if not logins:
        return
    print('\nDemo logins (role, email, password):')
    for role, email, password in logins:
        print(f'  {role:<14} {email:<44} {password}')
    if any(role == Role.VENDOR_ADMIN for role, _, _ in logins):
        print(f'\n{TWO_FACTOR_NOTE}')


def _moment(value: str) -> datetime:
    """An ISO time (UTC unless it says), or a date: that day at the current UTC time of day."""
    try:
        moment = datetime.fromisoformat(value) if 'T' in value or ' ' in value else \
            datetime.combine(date.fromisoformat(value), clock.now().timetz())
    except ValueError:
        raise argparse.ArgumentTypeError(f'{value!r} is not a date (YYYY-MM-DD) or an ISO time') from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _run_jobs_once(args: argparse.Namespace) -> int:
    from dashboard.jobs import all_jobs, run_due_jobs

    logging.basicConfig(level=logging.WARNING, format='%(levelname)s %(name)s: %(message)s')
    if args.simulate and args.at is not None:
        print(f'WARNING: simulating {args.at.isoformat()}: this {SIMULATION_RISK}. Mail delivery uses the real time.')
    settings = get_settings()
    if not settings.smtp_host:
        print('SMTP_HOST is not set: mail is not sent and stays in the outbox.')
    results = run_due_jobs(_database(), args.at)
    for job in all_jobs():
        done = f'{results[job.name]} {job.counts}' if job.name in results else 'FAILED (see above)'
        print(f'{job.name}: {done}')
    return 0 if len(results) == len(all_jobs()) else 1


def _set_active(args: argparse.Namespace, *, active: bool) -> int:
    done = 'may sign in again' if active else 'is deactivated; their sessions have ended'
    return _change_user(lambda session: set_user_active(session=session, email=args.email, active=active),
                        f'{args.email} {done}.')


def _set_password(args: argparse.Namespace) -> int:
    password = getpass.getpass('New password: ') if sys.stdin.isatty() else sys.stdin.readline().rstrip('\r\n')
    return _change_user(lambda session: set_password(session=session, email=args.email, password=password),
                        f'Password set for {args.email}.')


def _change_user(change: Callable[[Session], object], done: str) -> int:
    """Runs one change to a user; a refusal is printed as it is and exits with 1."""
    try:
        with _database().session() as session:
            change(session)
    except DomainError as error:
        print(error, file=sys.stderr)
        return 1
    print(done)
    return 0
