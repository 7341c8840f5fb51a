from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from . import docs, views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("providers/", views.ProviderList.as_view(), name="provider-list"),
    path("providers/<str:ico>/", views.ProviderDetail.as_view(), name="provider-detail"),
    path("providers/<str:ico>/history/", views.ProviderHistory.as_view(), name="provider-history"),
    path("cases/", views.CaseList.as_view(), name="case-list"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="case-detail"),
    path("documents/<int:pk>/download/", views.DocumentDownload.as_view(), name="document-download"),
    path("opinion-requests/", views.OpinionRequestCreate.as_view(), name="opinion-request-create"),
    path("change-notices/", views.ChangeNoticeCreate.as_view(), name="change-notice-create"),
]
