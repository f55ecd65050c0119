"""What customers write when they ask for more licences; `{n}` becomes the quantity they ask for.

`None` is a request sent without a message, which the form allows."""

from dashboard.domain.models import LicenceKind

MORE_LICENCES = {
    LicenceKind.MANAGED_AGENT: (
        None,
        None,
        'We are rolling out {n} new laptops next month and need the agent on all of them.',
        'We have hit our Managed Agent limit this week. Please add {n} more before the end of the month.',
        'A new branch office opens in the spring. Could you send a quote for {n} additional licences?',
        'Please quote {n} more licences, co-termed with our current renewal date.',
        'We are taking over IT support for a sister company, about {n} devices. What would that cost?',
        'Please add {n} licences. Our purchase order will follow from procurement.',
        'Pilot for our point-of-sale terminals: we need {n} extra agents for about three months.',
        'Our server estate is growing. Can we add {n} agents now and true up at renewal?',
        'Replacing the warehouse scanners, so {n} more devices need the agent. Invoice to accounts, please.',
    ),
    LicenceKind.ON_DEMAND: (
        None,
        'We are hiring {n} more support technicians and each will need an On-demand licence.',
        'Our service desk is extending its hours. Please quote {n} extra On-demand licences.',
        'Seasonal peak coming up: could we have {n} more On-demand licences for three months?',
        'Two of our field engineers keep running out of sessions. We would like {n} more licences.',
        'The new helpdesk team starts on the 1st and needs {n} On-demand licences from day one.',
        'Please add {n} On-demand licences to our account and send the pro-rata invoice.',
    ),
}
# From an organisation that has no licences of that type yet.
FIRST_LICENCES = {
    LicenceKind.MANAGED_AGENT: (
        'We only use On-demand so far. Could we start with {n} Managed Agent licences for our office PCs?',
    ),
    LicenceKind.ON_DEMAND: (
        'We would like to add On-demand support for our field engineers: {n} licences to start with.',
        'Could you quote {n} On-demand licences for our new external helpdesk? We have none yet.',
    ),
}
# "Buy now" on a trial.
PURCHASE = (
    None,
    'The trial went well and we would like to buy {n} licences. Please send the invoice to our accounts team.',
    'Ready to move to a paid plan with {n} licences. Is there a discount for a three-year term?',
    'We want to go ahead with {n} licences. Can we pay by bank transfer rather than card?',
    'Please convert our trial: {n} licences to start with, more after the roll-out.',
)
