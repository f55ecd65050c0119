"""The planned requests as rows for bulk inserts, with the audit entries the product writes for them."""

from dataclasses import dataclass, field
from datetime import datetime

from dashboard.demo_data.organisations import OrganisationPlan
from dashboard.demo_data.requests import DeletionPlan, LicenceRequestPlan, RequestsPlan
from dashboard.domain.models import OPEN_DELETION_STATUSES

OPEN_LICENCE_REQUEST = 'open'


@dataclass
class RequestRows:
    """Every organisation's requests as rows for bulk inserts. A withdrawal's audit entry names the request's id,
    which the database hands out: `withdrawal_audit` writes those entries once the deletion requests are in."""

    deletions: list[dict] = field(default_factory=list)
    licence_requests: list[dict] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)
    withdrawals: list[tuple[int, dict]] = field(default_factory=list)  # position in `deletions`, its audit entry

    def add(self, plan: OrganisationPlan, requests: RequestsPlan, *, organisation_id: int, user_ids: list[int]) -> None:
        for deletion in requests.deletions:
            self._add_deletion(plan, deletion, organisation_id=organisation_id, user_ids=user_ids)
        for request in requests.licence_requests:
            self._add_licence_request(plan, request, organisation_id=organisation_id, user_ids=user_ids)

    def _add_deletion(self, plan: OrganisationPlan, deletion: DeletionPlan, *, organisation_id: int,
                      user_ids: list[int]) -> None:
        requester = plan.users[deletion.requester].full_name
        withdrawer = None if deletion.withdrawn_by is None else plan.users[deletion.withdrawn_by].full_name
        self.deletions.append(
            {
                'organisation_id': organisation_id,
                'requested_by_id': user_ids[deletion.requester],
                'requested_by_name': requester,
                'requested_at': deletion.requested_at,
                'effective_date': deletion.effective_date,
                'status': deletion.status.value,
                'withdrawn_at': deletion.withdrawn_at,
                'withdrawn_by_name': withdrawer,
                'started_at': deletion.started_at,
                'completed_at': None,
                'purged_at': None,
            }
        )
        self.audit.append(
            _audit(
                organisation_id,
                deletion.requested_at,
                user_ids[deletion.requester],
                requester,
                'deletion_requested',
                f'effective {deletion.effective_date.isoformat()}',
            )
        )
        if deletion.withdrawn_at is not None and deletion.withdrawn_by is not None and withdrawer:
            entry = _audit(
                organisation_id,
                deletion.withdrawn_at,
                user_ids[deletion.withdrawn_by],
                withdrawer,
                'deletion_withdrawn',
                '',
            )
            self.withdrawals.append((len(self.deletions) - 1, entry))

    def _add_licence_request(self, plan: OrganisationPlan, request: LicenceRequestPlan, *, organisation_id: int,
                             user_ids: list[int]) -> None:
        requester = plan.users[request.requester].full_name
        self.licence_requests.append(
            {
                'organisation_id': organisation_id,
                'requested_by_id': user_ids[request.requester],
                'requested_by_name': requester,
                'requested_at': request.requested_at,
                'kind': request.kind.value,
                'quantity': request.quantity,
                'message': request.message,
                'status': OPEN_LICENCE_REQUEST,
            }
        )
        what = 'Purchase' if request.purchase else 'More licences'
        self.audit.append(
            _audit(
                organisation_id,
                request.requested_at,
                user_ids[request.requester],
                requester,
                'licences_requested',
                f'{what}: {request.quantity} {request.kind.label}',
            )
        )

    def withdrawal_audit(self, deletion_ids: list[int]) -> list[dict]:
        """The withdrawals' audit entries, given the ids of `deletions` in their order."""
        return [{**entry, 'details': f'request {deletion_ids[position]}'} for position, entry in self.withdrawals]

    @property
    def open_deletions(self) -> int:
        return sum(row['status'] in OPEN_DELETION_STATUSES for row in self.deletions)


def _audit(organisation_id: int, at: datetime, actor_id: int, actor: str, action: str, details: str) -> dict:
    return {
        'organisation_id': organisation_id,
        'occurred_at': at,
        'actor_id': actor_id,
        'actor_name': actor,
        'action': action,
        'details': details,
    }
