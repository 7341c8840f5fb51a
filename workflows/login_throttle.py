"""Login throttling on django-axes, plus what axes does not do by itself.

* axes locks the pair *user name + client address* after ``AXES_FAILURE_LIMIT`` failures,
  and the client address alone after the higher ``OSV_LOGIN_ADDRESS_FAILURE_LIMIT``
  (``AddressLimitHandler``), for ``OSV_LOGIN_LOCK_MINUTES``; every login path (login page,
  admin login) goes through ``axes.backends.AxesBackend``.
* The client address is ``REMOTE_ADDR`` unless that is one of ``OSV_TRUSTED_PROXIES``; only
  then is ``X-Forwarded-For`` read, right to left, skipping the trusted proxies
  (``client_ip``). A forged header from anyone else changes nothing.
* axes checks the count before the password and records the failure after it, so a parallel
  burst all pass the check (axes issue #592). ``SerialiseLoginMiddleware`` runs every login
  POST for one user name inside a transaction holding a lock on that name (a PostgreSQL
  transaction-level advisory lock; SQLite's IMMEDIATE transactions serialise all writers),
  so each attempt sees the failures before it: 40 parallel attempts check at most 5 passwords.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.shortcuts import render


# ------------------------------------------------------------------ who is logging in, from where

def username_key(request, credentials) -> str | None:
    """One counter whatever the case or surrounding spaces of the typed name."""
    name = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if name is None and request is not None and request.method == "POST":
        name = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return name.strip().lower() if isinstance(name, str) else name


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.OSV_TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The client's address: the peer, or — only behind a configured trusted proxy — the
    right-most address in X-Forwarded-For that is not itself a trusted proxy."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(peer):
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return peer  # a malformed chain: trust nothing in it
        if not _trusted(address):
            return address
    return peer


# ------------------------------------------------------------------ the higher per-address limit

class AddressLimitHandler(AxesDatabaseHandler):
    """axes' database handler; lockout parameters are [[username, ip_address], ip_address].

    axes compares the largest of the counts with one limit; here the pair has the normal
    limit and the address alone (many names tried from one place) a higher one.
    """

    def get_failures(self, request, credentials=None) -> int:
        counts = [qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
                  for qs in self.get_user_attempts(request, credentials)]
        pair, address = (counts + [0, 0])[:2]
        if address >= settings.OSV_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair


def lockout_response(request, original_response=None, credentials=None):
    """The Czech page a locked-out login gets (HTTP 429)."""
    minutes = settings.OSV_LOGIN_LOCK_MINUTES
    return render(request, "registration/locked_out.html", {"minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)


# ------------------------------------------------------------------ one attempt per user name at a time

def _lock_id(username: str) -> int:
    digest = hashlib.sha256(username.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_username(username: str) -> None:
    """Hold a lock on the user name until the current transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(username)])
    # SQLite: the surrounding IMMEDIATE transaction already holds the database's write lock


class SerialiseLoginMiddleware:
    """Runs each login POST (a form with the user-name and password fields) for one user
    name after the previous one has been counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and settings.AXES_PASSWORD_FORM_FIELD in request.POST:
            username = username_key(request, None)
            if username:
                with transaction.atomic():
                    lock_username(username)
                    return self.get_response(request)
        return self.get_response(request)
