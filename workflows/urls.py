from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "cases"

urlpatterns = [
    path("", RedirectView.as_view(url="/app/", permanent=False), name="home"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
