"""One transaction per change, joined rather than nested.

A service decorated with :func:`atomic` runs in the caller's transaction when there is one
(the flow's activation, a view's request), else in a transaction of its own. Django's
``transaction.atomic`` would open a savepoint inside the caller's block — two statements
(``SAVEPOINT`` / ``RELEASE``) and a round trip each, ten pairs in one opinion flow — that
buys nothing for a service that checks everything before it writes: an error it raises leaves
nothing behind because nothing was written yet, and any other error rolls the caller's
transaction back as a whole. Only such services use it; one that must undo its own partial
writes while the caller goes on keeps ``transaction.atomic``.
"""

from __future__ import annotations

import functools

from django.db import connection, transaction


def atomic(func):
    """``transaction.atomic`` unless already inside an atomic block (then: no savepoint)."""

    @functools.wraps(func)
    def inner(*args, **kwargs):
        if connection.in_atomic_block:
            return func(*args, **kwargs)
        with transaction.atomic():
            return func(*args, **kwargs)

    return inner
