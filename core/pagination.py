"""The API's paginators, in one place: page numbers for lists, a cursor for feeds (new rows
arrive at the top). Both validate their query values (`page=null` is the 400 envelope; a page
past the end or a cursor we never gave out is the 404 one)
and document themselves: `responses=PagePagination.response(ItemOutput)`."""

import functools

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination

from core.query_params import QueryInput, QueryInteger, query_valid

MAX_PAGE_SIZE = 100


class PageQuery(QueryInput):
    page = QueryInteger(min_value=1, max_value=10_000, required=False, help_text="1-based.")
    page_size = QueryInteger(min_value=1, max_value=MAX_PAGE_SIZE, required=False)


class CursorQuery(QueryInput):
    cursor = serializers.CharField(max_length=500, required=False, help_text="From `next` or `previous`.")
    page_size = QueryInteger(min_value=1, max_value=MAX_PAGE_SIZE, required=False)


class PagePagination(PageNumberPagination):
    page_size = 20
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    last_page_strings = ()
    query = PageQuery

    def paginate_queryset(self, queryset, request, view=None):
        query_valid(self.query, request)
        return super().paginate_queryset(queryset, request, view)

    @classmethod
    def response(cls, item_serializer: type[serializers.Serializer]):
        return _paginated_shape(item_serializer, counted=True)


class FeedCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 20
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    query = CursorQuery

    def paginate_queryset(self, queryset, request, view=None):
        query_valid(self.query, request)
        return super().paginate_queryset(queryset, request, view)

    @classmethod
    def response(cls, item_serializer: type[serializers.Serializer]):
        return _paginated_shape(item_serializer, counted=False)


@functools.cache
def _paginated_shape(item_serializer, counted: bool):
    name = item_serializer.__name__.removesuffix("Output")
    fields = {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item_serializer(many=True),
    }
    if counted:
        fields = {"count": serializers.IntegerField(min_value=0), **fields}
    return inline_serializer(f"Paginated{name}List" if counted else f"{name}Feed", fields)


def paginated_response(request, view, queryset, item_serializer, pagination=PagePagination, context=None,
                       page_rows=None):
    """One page of `queryset`, serialized. `page_rows` (a list in, a list out) completes the page's
    rows before they are serialized: what is read for the rows shown only, not for the whole list."""
    paginator = pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    if page_rows is not None and page is not None:
        page = page_rows(page)
    return paginator.get_paginated_response(item_serializer(page, many=True, context=context or {}).data)
