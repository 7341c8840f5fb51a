"""Login throttling: after repeated failed logins for one user name from one address, that
pair is locked out for a while (Czech message on the login form).

Wired as the authentication backend (``AUTHENTICATION_BACKENDS``), so every login path —
the login page, the admin login, the API token endpoint — goes through it without a custom
form. A locked attempt raises ``ValidationError``: Django's ``AuthenticationForm.clean``
lets it through ``authenticate()`` and the form shows it as a non-field error; the
password is not even checked while locked. Counts live in Django's cache (shared between
web processes: a file cache in ``var/cache`` by default, Redis with ``OSV_CACHE_URL``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError


def _limit() -> int:
    return int(getattr(settings, "OSV_LOGIN_FAILURE_LIMIT", 5))


def _lock_seconds() -> int:
    return int(getattr(settings, "OSV_LOGIN_LOCK_MINUTES", 15)) * 60


def lock_message() -> str:
    minutes = _lock_seconds() // 60
    return (f"Příliš mnoho neúspěšných pokusů o přihlášení. Přihlášení k tomuto účtu z vaší adresy je "
            f"na {minutes} minut zablokováno; zkuste to prosím později nebo se obraťte na správce.")


def client_ip(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()
    return f"osv-login-failures:{digest}"


def failures(username: str, ip: str) -> int:
    return int(cache.get(_key(username, ip), 0))


def is_locked(username: str, ip: str) -> bool:
    return failures(username, ip) >= _limit()


def record_failure(username: str, ip: str) -> int:
    """Count one failure; the window (and the lock) runs from the latest failure."""
    count = failures(username, ip) + 1
    cache.set(_key(username, ip), count, timeout=_lock_seconds())
    return count


def reset(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))


class ThrottledModelBackend(ModelBackend):
    """Django's model backend with a per user name + address lockout."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username:
            return super().authenticate(request, username=username, password=password, **kwargs)
        ip = client_ip(request)
        if is_locked(username, ip):
            raise ValidationError(lock_message(), code="too_many_attempts")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            if record_failure(username, ip) >= _limit():
                raise ValidationError(lock_message(), code="too_many_attempts")
        else:
            reset(username, ip)
        return user
