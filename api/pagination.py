"""Pagination for every list in the API: numbered pages, like the portal's lists."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N`` (from 1), ``?page_size=`` up to 500; a page past the end is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
