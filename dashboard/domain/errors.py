"""What a domain operation raises when it refuses: each carries a message a person can act on."""


class DomainError(Exception):
    """Base of every refusal; `str(error)` is the message to show."""


class PermissionDenied(DomainError):
    pass


class NotFound(DomainError):
    pass


class InvalidInput(DomainError):
    pass
