from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("", views.registry, name="registry"),
    path("poskytovatel/<int:pk>/", views.provider_detail, name="provider"),
    path("poskytovatel/<int:pk>/udaje/", views.provider_identity, name="provider_identity"),
    path("sluzba/<int:pk>/identifikator/", views.service_national_id, name="service_national_id"),
    path("pripad/<int:pk>/prodlouzit-lhutu/", views.remedy_extend, name="remedy_extend"),
    path("export.<str:fmt>", views.registry_export, name="export"),
]
