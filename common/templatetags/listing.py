"""Links inside list pages: pagination and sortable headers keep every other query parameter."""

from django import template

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
