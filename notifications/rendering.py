"""Rendering one email from its three templates. Plain text is not HTML: the subject and the text
body are rendered with autoescaping off, so "O'Brien & Sons" reads as typed; the HTML body is
autoescaped as every page is."""

from dataclasses import dataclass

from django.template import Context, engines
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _render_plain(name: str, context: dict) -> str:
    template = engines["django"].engine.get_template(name)
    return template.render(Context(context, autoescape=False))


def email_render(*, template: str, context: dict) -> RenderedEmail:
    """`template` names `notifications/email/<template>_subject.txt`, `.txt` and `.html`. The subject
    is one line (whitespace collapsed) of at most 200 characters."""
    base = f"notifications/email/{template}"
    subject = " ".join(_render_plain(f"{base}_subject.txt", context).split())
    return RenderedEmail(
        subject=subject[:200],
        text=_render_plain(f"{base}.txt", context),
        html=render_to_string(f"{base}.html", context),
    )
