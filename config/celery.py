"""Celery app wiring; the tasks and the beat schedule live in ``worker/``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("osv_agenda")
app.config_from_object("django.conf:settings", namespace="CELERY")
# tasks and the beat schedule are found by name: the worker app registers them (worker/apps.py)
app.autodiscover_tasks(["worker"])
