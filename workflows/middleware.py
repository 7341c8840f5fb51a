"""Request/response guards every page and API call goes through.

* ``NoStoreMiddleware``: responses to a signed-in user or an API client (case pages, lists,
  document downloads — all of them carry personal data) are never stored by a browser or
  a shared proxy: ``Cache-Control: no-store, private``.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_cache_control


def _carries_personal_data(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or request.path.startswith(("/api/", "/documents/"))


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _carries_personal_data(request):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
