"""Celery app wiring; the tasks and the beat schedule live in ``worker/``."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("osv_agenda")
app.config_from_object("django.conf:settings", namespace="CELERY")
# tasks and the beat schedule are found by name: the worker app registers them (worker/apps.py)
app.autodiscover_tasks(["worker"])

# The database connection of a worker follows Django's rule for a request, not Celery's.
# Celery's Django fix-up closes every connection before and after every task unless
# DB_REUSE_MAX is set, so each job opened a new PostgreSQL connection (a backend forked for
# it, its caches cold). The fix-up is told never to recycle (``CELERY_DB_REUSE_MAX`` in the
# settings; it still closes what a pool child inherits at fork); instead, before and after
# each task, a connection is closed if it is broken, left inside a transaction, or older
# than CONN_MAX_AGE (0 with PgBouncer: closed after every task, as before).


@task_prerun.connect(dispatch_uid="osv.close_old_connections.prerun")
@task_postrun.connect(dispatch_uid="osv.close_old_connections.postrun")
def _close_old_connections(sender=None, **kwargs):
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # an eager task runs inside the caller's transaction (tests): leave it alone
    from django.db import close_old_connections

    close_old_connections()
