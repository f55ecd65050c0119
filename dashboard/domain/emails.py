"""The emails the product sends, rendered from templates: a subject, a plain-text body and an HTML body.

Each email is `dashboard/templates/email/NAME.txt` (first line `Subject: ...`, then the text body) and `NAME.html`
(the HTML body, inside `_layout.html`). Every template gets `product` (the product's name) besides its own values;
emails about an organisation name its account and serial number."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..config import get_settings

TEMPLATES = Path(__file__).resolve().parent.parent / 'templates' / 'email'


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def render_email(name: str, **values: object) -> RenderedEmail:
    values = {'product': get_settings().product_name, **values}
    subject_line, _, text = _environment(autoescape=False).get_template(f'{name}.txt').render(values).partition('\n')
    if not subject_line.startswith('Subject: '):
        raise ValueError(f'The email template {name}.txt must start with a "Subject: " line.')
    html = _environment(autoescape=True).get_template(f'{name}.html').render(values)
    return RenderedEmail(subject=subject_line.removeprefix('Subject: ').strip(), body_text=text.strip() + '\n',
                         body_html=html)


@cache
def _environment(*, autoescape: bool) -> Environment:
    """Text templates are not escaped (a name with & stays as it is); HTML ones are, always."""
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, keep_trailing_newline=True,
                       autoescape=select_autoescape(['html']) if autoescape else False)
