from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from workflows import agendas

from . import docs, views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("cases/", views.CaseList.as_view(), name="case-list"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="case-detail"),
    path("documents/<int:pk>/download/", views.DocumentDownload.as_view(), name="document-download"),
]
# each agenda's endpoints (registrations/api.py, opinions/api.py), under the same namespace
for _agenda in agendas.agendas():
    if _agenda.api_routes is not None:
        urlpatterns += _agenda.api_routes()
