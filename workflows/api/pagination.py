"""Page-number pagination that refuses a page that is not a positive whole number (the
schema says ``page`` is an integer; DRF would quietly show page 1 for ``?page=``)."""

from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise NotFound("Neplatné číslo stránky: zadejte celé číslo od 1.")
        return super().get_page_number(request, paginator)
