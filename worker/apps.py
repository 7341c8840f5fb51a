from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("Úlohy na pozadí")

    def ready(self):
        """Hand the beat schedule to the Celery app (worker → config; nothing imports worker)."""
        from config.celery import app

        from .schedules import BEAT_SCHEDULE

        app.conf.beat_schedule = BEAT_SCHEDULE

        from celery.signals import beat_init

        from .beat_lock import on_beat_init

        beat_init.connect(on_beat_init, weak=False)
