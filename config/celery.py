"""Celery app wiring; the tasks and the beat schedule live in ``worker/``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("osv_agenda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["worker"])


@app.on_after_finalize.connect
def _beat_schedule(sender, **kwargs):
    from worker.schedules import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
