"""What an import did, for the person who ran it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    """Rows of one file: created, updated in place, or already exactly as the file says."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def describe(self, noun: str, plural: str) -> str:
        total = self.created + self.updated + self.unchanged
        return (
            f'{total} {noun if total == 1 else plural} '
            f'({self.created} new, {self.updated} updated, {self.unchanged} unchanged)'
        )


@dataclass(frozen=True)
class ImportReport:
    organisations: Counts
    users: Counts
    pools: Counts
    history_added: int = 0
    history_skipped: int = 0

    def summary(self) -> str:
        """`Imported 6 organisations (6 new, 0 updated, 0 unchanged), ... and 40 history rows (40 new, 0 already
        stored).`"""
        history_rows = self.history_added + self.history_skipped
        return (
            f'Imported {self.organisations.describe("organisation", "organisations")}, '
            f'{self.users.describe("user", "users")}, '
            f'{self.pools.describe("licence pool", "licence pools")} and '
            f'{history_rows} history {"row" if history_rows == 1 else "rows"} '
            f'({self.history_added} new, {self.history_skipped} already stored).'
        )
