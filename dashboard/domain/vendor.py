"""The vendor as the domain's emails name it: the product's name, and the addresses its mail goes to.

The domain is told these, as it is told its database: the edges (the web app's start-up, the jobs) build a `Vendor`
from the settings (`Settings.vendor()`) and hand it to each operation that sends mail, which cannot be called without
one. `DEFAULT_VENDOR`, the stock product's details, gives the settings their defaults."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Vendor:
    product_name: str = '247connect'
    sales_email: str = 'sales@netsupportsoftware.com'  # licence requests and the weekly renewals digest
    support_email: str = 'support@netsupportsoftware.com'  # deletion requests; named in every deletion email


DEFAULT_VENDOR = Vendor()
