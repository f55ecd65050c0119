"""The emails the product sends, rendered from templates: a subject, a plain-text body and an HTML body.

Each email is `dashboard/templates/email/NAME.txt` (first line `Subject: ...`, then the text body) and `NAME.html`
(the HTML body, inside `_layout.html`). Every template gets `product` (the name of the vendor's product, as the
caller was told it) besides its own values; emails about an organisation name its account and serial number."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from dashboard.domain.safe_text import header_text
from dashboard.domain.vendor import Vendor

TEMPLATES = Path(__file__).resolve().parents[2] / 'templates' / 'email'


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def render_email(name: str, *, vendor: Vendor, **values: object) -> RenderedEmail:
    """The subject is rendered from the template's first line on its own and made one clean line, so that a name
    with a line break or a control character in it can neither end the subject early nor stop the email."""
    values = {'product': vendor.product_name, **values}
    subject, text = _text_templates(name)
    html = _environment(autoescape=True).get_template(f'{name}.html').render(values)
    return RenderedEmail(subject=header_text(subject.render(values)), body_text=text.render(values).strip() + '\n',
                         body_html=html)


@cache
def _text_templates(name: str) -> tuple[Template, Template]:
    """The subject line's template and the text body's."""
    environment = _environment(autoescape=False)
    assert environment.loader is not None
    source = environment.loader.get_source(environment, f'{name}.txt')[0]
    subject_line, _, text = source.partition('\n')
    if not subject_line.startswith('Subject: '):
        raise ValueError(f'The email template {name}.txt must start with a "Subject: " line.')
    return environment.from_string(subject_line.removeprefix('Subject: ')), environment.from_string(text)


@cache
def _environment(*, autoescape: bool) -> Environment:
    """Text templates are not escaped (a name with & stays as it is); HTML ones are, always."""
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, keep_trailing_newline=True,
                       autoescape=select_autoescape(['html']) if autoescape else False)
