"""What the licence history's notes say; `{po}`, `{quote}` and `{invoice}` become made-up reference numbers."""

INCREASE_NOTES = (None,) * 6 + (
    'PO {po}',
    'Quote {quote} accepted',
    'New branch office',
    'Mid-term top-up',
    'Seasonal staff',
    'Added after a usage review',
)
DECREASE_NOTES = (None,) * 5 + (
    "Reduced at the customer's request",
    'Unused licences removed',
    'Office closed',
    'Right-sized after a usage review',
)
RENEWAL_NOTES = (None, 'Annual renewal', 'Renewed for 12 months, PO {po}', 'Renewal invoice {invoice} paid')
# note, about one licence type?, old value, new value, who does it
OTHER_EVENTS = (
    ("Licence key reissued at the customer's request", True, None, None, 'vendor'),
    ('Renewal reminder sent to the main contact', False, None, None, 'system'),
    ('Invoice {invoice} sent to the billing contact', False, None, None, 'system'),
    ('Auto-renewal switched off', False, 'On', 'Off', 'customer'),
    ('Auto-renewal switched on', False, 'Off', 'On', 'customer'),
    ('Usage review with the account manager', True, None, None, 'vendor'),
    ('Purchase order {po} received', False, None, None, 'vendor'),
    ('Billing moved from reseller to direct', False, 'Reseller', 'Direct', 'vendor'),
)
