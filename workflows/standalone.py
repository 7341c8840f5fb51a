"""Standalone helper processes (converter, test PKI, ISDS simulator) run without the project.

Their Czech texts go through gettext like everywhere else; without configured settings gettext
raises, so such a process configures minimal settings with translation off (the source text,
which is Czech, is shown as is)."""

from __future__ import annotations


def configure() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)
