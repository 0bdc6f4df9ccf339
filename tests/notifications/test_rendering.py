"""Every email's subject and plain text read as typed; its HTML is escaped. Each kind of email is
one template trio (`<name>_subject.txt`, `.txt`, `.html`) under notifications/email/, so the test walks
every trio the template loader can find, rendering it with a context in which every name, title and
text is the same hostile value."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.template.utils import get_app_template_dirs

from notifications.rendering import email_render

HOSTILE = "O'Brien & Daughters <b>"
DATE_PARTS = {"year", "month", "day", "hour", "minute", "second", "weekday", "isoweekday", "tzinfo", "utcoffset"}


class Hostile(str):
    """Every attribute of it, and every key, is itself: `{{ session.cohort.name }}` prints HOSTILE."""

    def __new__(cls):
        return super().__new__(cls, HOSTILE)

    def __getattr__(self, name):
        # What the |date filter reads: without them it prints nothing, as for any non-date.
        if name.startswith("__") or name in DATE_PARTS:
            raise AttributeError(name)
        return Hostile()

    def __getitem__(self, key):
        return Hostile()

    def __iter__(self):
        return iter([Hostile()])

    def __call__(self, *args, **kwargs):
        return Hostile()


class Everything(dict):
    """A template context in which every variable is Hostile."""

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return Hostile()

    def get(self, key, otherwise=None):
        return Hostile()


def email_templates() -> list[str]:
    dirs = [*engines["django"].engine.dirs, *get_app_template_dirs("templates")]
    names = set()
    for base in dirs:
        for path in Path(base).glob("notifications/email/*_subject.txt"):
            names.add(path.name.removesuffix("_subject.txt"))
    return sorted(names)


def test_every_kind_of_email_has_its_three_templates():
    assert len(email_templates()) >= 15
    for name in email_templates():
        rendered = email_render(template=name, context=Everything())
        assert rendered.subject and rendered.text and rendered.html


def subject_source(template: str) -> str:
    return engines["django"].engine.get_template(f"notifications/email/{template}_subject.txt").source


@pytest.mark.parametrize("template", email_templates())
def test_subject_and_text_are_not_html_escaped_and_html_is(template):
    rendered = email_render(template=template, context=Everything())
    if any("|date" not in variable for variable in re.findall(r"{{.*?}}", subject_source(template))):
        # a name or title, not only dates (lowercased where the subject puts a label mid-sentence)
        assert HOSTILE in rendered.subject or HOSTILE.lower() in rendered.subject
    for plain in (rendered.subject, rendered.text):
        assert "&#x27;" not in plain
        assert "&amp;" not in plain
        assert "&lt;" not in plain
    assert HOSTILE in rendered.text or template == "weekly_digest"
    assert "O&#x27;Brien &amp; Daughters &lt;b&gt;" in rendered.html
    assert HOSTILE not in rendered.html
