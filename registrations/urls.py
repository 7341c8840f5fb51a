from django.urls import path

from . import views, views_national

app_name = "registrations"

urlpatterns = [
    path("", views.registry, name="registry"),
    path("poskytovatel/<int:pk>/", views.provider_detail, name="provider"),
    path("poskytovatel/<int:pk>/udaje/", views.provider_identity, name="provider_identity"),
    path("sluzba/<int:pk>/identifikator/", views.service_national_id, name="service_national_id"),
    path("pripad/<int:pk>/prodlouzit-lhutu/", views.remedy_extend, name="remedy_extend"),
    path("pripad/<int:pk>/zastavit/", views.proceeding_stop, name="proceeding_stop"),
    path("pripad/<int:pk>/opravit-akt/", views.act_correct, name="act_correct"),
    path("pripad/<int:pk>/vzdani-se-odvolani/", views.appeal_waiver, name="appeal_waiver"),
    path("export.<str:fmt>", views.registry_export, name="export"),
    path("celostatni-registr/", views_national.reconciliation, name="national_registry"),
    path("celostatni-registr/rozdily.xlsx", views_national.reconciliation_export, name="national_registry_export"),
    path("celostatni-registr/spustit/", views_national.reconciliation_run, name="national_registry_run"),
    path("celostatni-registr/nas-registr.json", views_national.national_format_export, name="national_format_export"),
]
