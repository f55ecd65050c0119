"""Who is calling: every domain operation takes an `Actor` and checks its permission itself."""

from dataclasses import dataclass

from dashboard.domain.errors import PermissionDenied
from dashboard.domain.models import Role, User

BILLING_ROLES = frozenset({Role.GLOBAL_ADMIN, Role.BILLING_ADMIN})
BILLING_VIEW_ROLES = BILLING_ROLES | {Role.VIEWER}
ADMIN_TEAM = 'Admin Team'


@dataclass(frozen=True)
class Actor:
    user_id: int
    name: str
    email: str
    role: Role
    organisation_id: int | None

    @classmethod
    def of(cls, user: User) -> 'Actor':
        assert user.id is not None
        return cls(user_id=user.id, name=user.full_name, email=user.email, role=user.role,
                   organisation_id=user.organisation_id)

    @property
    def is_vendor(self) -> bool:
        return self.role.is_vendor

    @property
    def has_billing_permission(self) -> bool:
        return self.role in BILLING_ROLES and self.organisation_id is not None

    def can_view_billing(self, organisation_id: int) -> bool:
        if self.is_vendor:
            return True
        return self.role in BILLING_VIEW_ROLES and self.organisation_id == organisation_id

    def require_view_billing(self, organisation_id: int) -> None:
        if not self.can_view_billing(organisation_id):
            raise PermissionDenied('You do not have permission to view this organisation\'s billing.')

    def may_act_on_billing(self, organisation_id: int) -> bool:
        """Billing actions are for the organisation's own global and billing admins."""
        return self.has_billing_permission and self.organisation_id == organisation_id

    def require_billing_permission(self, organisation_id: int) -> None:
        if not self.may_act_on_billing(organisation_id):
            raise PermissionDenied('This needs billing permission for this organisation '
                                   '(global admin or billing admin).')

    @property
    def is_admin_team(self) -> bool:
        """The vendor's Admin Team (`vendor_admin`), who change licences."""
        return self.role is Role.VENDOR_ADMIN

    def require_vendor(self) -> None:
        if not self.is_vendor:
            raise PermissionDenied('This is for the vendor\'s staff only.')

    def require_admin_team(self) -> None:
        if not self.is_admin_team:
            raise PermissionDenied('Only the Admin Team (vendor admins) may change licences and plans.')

    def shown_name(self, actor: str, by_vendor: bool) -> str:
        """Customers see vendor staff as the Admin Team; vendor staff see the real person."""
        return ADMIN_TEAM if by_vendor and not self.is_vendor else actor
