from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "Registrace poskytovatelů"

    def ready(self):
        from .dispatch import connect

        connect()  # delivery reported by the data box → the proceeding's delivery step
