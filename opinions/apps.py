from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = "Vyjádření k projektům"
