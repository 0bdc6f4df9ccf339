"""Links inside list pages: pagination and sortable headers keep every other query parameter."""

from crispy_forms.utils import render_crispy_form
from django import template

from common.fresh import kept
from common.listing import query_with as _query_with

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """`{% query_with page=3 %}`: this page's query string with `page` set to 3 (and the rest kept)."""
    request = context.get("request")
    return _query_with(request.GET if request is not None else {}, **changes)


@register.simple_tag
def page_range(page):
    """The page numbers GOV.UK pagination shows: first, last, the current one and its neighbours,
    with "…" for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.simple_tag(takes_context=True)
def filter_fields(context, form):
    """A list's filter fields as `{% crispy form %}` renders them, kept until the data (their choices:
    organisations, cohorts) or the query changes (docs/decisions.md, "Kept figures"). crispy-forms-gds
    takes 10 to 15 ms for a panel of five to seven fields, a quarter of a list page (issue 16). The
    panel is a GET form: no CSRF token, nothing of one request but its query string, which it is kept
    under with the page's path and the person."""
    request = context.get("request")
    if request is None:
        return render_crispy_form(form)
    query = sorted((name, tuple(request.GET.getlist(name))) for name in request.GET if name != "page")
    return kept(
        "filter-fields",
        f"{type(form).__module__}.{type(form).__qualname__}",
        request.path,
        getattr(request.user, "pk", None),
        query,
        compute=lambda: render_crispy_form(form),
    )
