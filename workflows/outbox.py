"""Sending a Celery task by name after the transaction commits — for agendas, which may not
import ``worker`` (arrows point worker → agendas). A broker outage is logged and reported
to the caller; the caller's sweep sends the work again later."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def dispatch(task_name: str, *args, **options) -> bool:
    """Send now; False when the broker cannot be reached."""
    from celery import current_app as app  # config/celery.py's app, set current at start-up

    try:
        app.send_task(task_name, args=list(args), retry=False, **options)
        return True
    except Exception:
        logger.exception("Task %s%r could not be sent to the broker", task_name, args)
        return False


def dispatch_on_commit(task_name: str, *args, on_broker_down=None) -> None:
    def send():
        if not dispatch(task_name, *args) and on_broker_down is not None:
            on_broker_down()

    transaction.on_commit(send)
