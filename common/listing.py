"""The one way a list page finds, sorts and pages its rows.

Every list that grows (people, applications, projects, bookings, the outbox, cascade sessions) is
built the same way, so a person who has learnt one list has learnt them all and every filtered view
can be bookmarked and shared:

- a `ListFilterSet` (django-filter) reads the filters from the query string and shows them as a
  GOV.UK form (`includes/filter_panel.html`). A value that is not valid (an impossible date) gets a
  GOV.UK error on its field and is left out of the filtering; the page never fails.
- `Column`s name the sortable headers: `?sort=name` sorts ascending, `?sort=-name` descending, and
  the headers (`includes/sortable_headers.html`) are links carrying `aria-sort`, no JavaScript.
- the rows are paged 50 at a time with the GOV.UK pagination component, whose links keep every
  other parameter (`includes/pagination.html` and the `query_with` tag).

The count and the page are two queries whatever the number of rows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import django_filters
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Window
from django.http import QueryDict
from django.utils import timezone

from .forms import GovukDateField, GovukFormMixin

PAGE_SIZE = 50
SORT_PARAM = "sort"
PAGE_PARAM = "page"
# Longer searches are cut here: nobody searches for a name or an email longer than this.
SEARCH_MAX_LENGTH = 100


class FilterForm(GovukFormMixin, forms.Form):
    """The form django-filter builds for a filter set: GOV.UK messages, laid out by crispy-forms-gds
    inside the filter panel's own `<form method="get">` (so no submit button adds itself to the URL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # a GET form: a token would only leak into the URL
        self.helper = helper


class SearchFilter(django_filters.CharFilter):
    """Words typed into one box: a row matches when every word is found in one of `fields`, so "ali
    kha" finds Alice Khan by name and "khan@" finds her by email."""

    def __init__(self, *args, fields: Iterable[str], **kwargs):
        kwargs.setdefault("label", "Name or email")
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(*args, **kwargs)
        self.fields = tuple(fields)

    def filter(self, qs, value):
        words = (value or "").split()[:10]
        for word in words:
            match = Q()
            for name in self.fields:
                match |= _contains(qs.model, name, word)
            qs = qs.filter(match)
        return qs


# A field across a relation matched by up to this many related rows is searched by their keys.
RELATED_KEYS_MAX = 1000


def _contains(model, name: str, word: str) -> Q:
    """`name` contains `word`. A field of a related row ("recipient__full_name") is first looked up in
    its own table, and the rows are then matched by key: a join ORed with a column of the list's own
    table can use no index, so every search read the whole list (trigram indexes, common/trigram.py,
    serve each side on its own). When more than RELATED_KEYS_MAX related rows match, the keys stay a
    subquery."""
    relation, _, field = name.partition("__")
    if not field or "__" in field:
        return Q(**{f"{name}__icontains": word})
    related = model._meta.get_field(relation).related_model
    matching = related._default_manager.filter(**{f"{field}__icontains": word}).values_list("pk", flat=True)
    keys = list(matching[: RELATED_KEYS_MAX + 1])
    return Q(**{f"{relation}__in": keys if len(keys) <= RELATED_KEYS_MAX else matching})


class SearchField(forms.CharField):
    def clean(self, value):
        # A long paste is cut rather than refused: the search still finds what it can.
        return super().clean((value or "")[:SEARCH_MAX_LENGTH])


SearchFilter.field_class = SearchField


def london_midnight(day: date) -> datetime:
    """The start of a London day as an aware datetime (GMT or BST as that day has it)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class DateFromFilter(django_filters.Filter):
    """On or after a date, typed as a GOV.UK date input. On a datetime field the day is London's."""

    field_class = GovukDateField

    def __init__(self, *args, on_datetime: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_datetime = on_datetime

    def filter(self, qs, value):
        if value is None:
            return qs
        bound = london_midnight(value) if self.on_datetime else value
        return qs.filter(**{f"{self.field_name}__gte": bound})


class DateToFilter(DateFromFilter):
    """On or before a date (the whole London day, on a datetime field)."""

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.on_datetime:
            return qs.filter(**{f"{self.field_name}__lt": london_midnight(value + timedelta(days=1))})
        return qs.filter(**{f"{self.field_name}__lte": value})


def _param_names(name: str, field: forms.Field) -> list[str]:
    """The query parameters one filter field reads: a date input reads three (name_0, name_1, name_2)."""
    if isinstance(field, forms.MultiValueField):
        return [f"{name}_{index}" for index in range(len(field.fields))]
    return [name]


class ListFilterSet(django_filters.FilterSet):
    """Base of every list's filters. `not_filters`: fields that choose a view of the list rather than
    narrow it (they do not count as "filtered")."""

    not_filters: tuple[str, ...] = ()

    class Meta:
        form = FilterForm
        fields: list[str] = []

    @property
    def is_filtered(self) -> bool:
        """Whether the person asked for any filter (valid or not)."""
        if not self.is_bound:
            return False
        names = {
            param
            for name, field in self.form.fields.items()
            if name not in self.not_filters
            for param in _param_names(name, field)
        }
        return any(value.strip() for name in names & set(self.data) for value in self.data.getlist(name))


@dataclass(frozen=True)
class Column:
    """A column of a list's table. `order_by` empty: not sortable."""

    key: str
    label: str
    order_by: tuple[str, ...] = ()
    numeric: bool = False
    hidden_label: str = ""

    @property
    def sortable(self) -> bool:
        return bool(self.order_by)


@dataclass(frozen=True)
class Header:
    column: Column
    href: str = ""
    aria_sort: str = ""  # "ascending", "descending" or "" (not sorted by this column)

    @property
    def label(self) -> str:
        return self.column.label

    @property
    def numeric(self) -> bool:
        return self.column.numeric


def _reverse(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def query_with(params: QueryDict, **changes) -> str:
    """The query string `params` with `changes` (a value of None removes the name), as "?a=b" or "?"."""
    query = params.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@dataclass
class Listing:
    page: Page
    filterset: ListFilterSet
    headers: list[Header]
    sort: str
    params: QueryDict

    @property
    def rows(self) -> list:
        return self.page.object_list

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def query(self) -> str:
        """The filters and sort without the page, url-encoded (for a CSV link that matches the list)."""
        return query_with(self.params, **{PAGE_PARAM: None})[1:]

    @property
    def is_filtered(self) -> bool:
        return self.filterset.is_filtered


def _sorted(qs: QuerySet, columns: Iterable[Column], requested: str, default: str) -> tuple[QuerySet, str]:
    by_key = {column.key: column for column in columns if column.sortable}
    for choice in (requested, default):
        key = choice.lstrip("-")
        if key in by_key:
            fields = by_key[key].order_by
            if choice.startswith("-"):
                fields = tuple(_reverse(field) for field in fields)
            return qs.order_by(*fields, "-pk" if choice.startswith("-") else "pk"), choice
    return qs, ""


def _headers(columns: Iterable[Column], params: QueryDict, sort: str) -> list[Header]:
    headers = []
    for column in columns:
        if not column.sortable:
            headers.append(Header(column))
            continue
        current = sort.lstrip("-") == column.key
        descending = current and sort.startswith("-")
        aria = ("descending" if descending else "ascending") if current else ""
        # A sorted column's link turns the order round; any other column starts ascending.
        target = column.key if (not current or descending) else f"-{column.key}"
        headers.append(Header(column, query_with(params, **{SORT_PARAM: target, PAGE_PARAM: None}), aria))
    return headers


def listing(
    request,
    queryset: QuerySet,
    *,
    filterset_class: type[ListFilterSet],
    columns: Iterable[Column],
    default_sort: str = "",
    per_page: int = PAGE_SIZE,
    present: Callable[[list], list] | None = None,
    **filterset_kwargs,
) -> Listing:
    """Filter `queryset` by the request's query string, sort it by `?sort=` (or `default_sort`, or
    the queryset's own order when that is empty) and take the requested page. `present` turns the
    page's rows into what the template shows (one fixed number of queries for the page)."""
    params = request.GET
    columns = list(columns)
    # Always bound, even to an empty query string, so a filter set can apply its defaults.
    filterset = filterset_class(params, queryset=queryset, request=request, **filterset_kwargs)
    qs = filterset.qs
    requested = params.get(SORT_PARAM, "")
    qs, sort = _sorted(qs, columns, requested if isinstance(requested, str) else "", default_sort)
    page = Paginator(qs, per_page).get_page(params.get(PAGE_PARAM))
    if present is not None:
        page.object_list = present(list(page.object_list))
    return Listing(page=page, filterset=filterset, headers=_headers(columns, params, sort), sort=sort, params=params)


# --- the first lines of a list, for a home page -----------------------------------------------------


@dataclass
class FirstRows:
    """The first lines of a list for a home page, and how many there are in all (for "see all")."""

    rows: list
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


TOTAL_ANNOTATION = "listing_total"


def first_rows(qs: QuerySet, limit: int) -> FirstRows:
    """The first `limit` rows of `qs` and how many it has, in one query: the total is a window count
    over the whole filtered list, read from the first row, so a home panel needs no second COUNT.
    `qs` is ordered and not `distinct()` (a window counts rows before DISTINCT removes any)."""
    rows = list(qs.annotate(**{TOTAL_ANNOTATION: Window(Count("pk"))})[:limit])
    return FirstRows(rows=rows, total=getattr(rows[0], TOTAL_ANNOTATION) if rows else 0)
