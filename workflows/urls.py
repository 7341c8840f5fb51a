from django.urls import include, path
from django.views.generic import RedirectView

from . import views, views_ares, views_case, views_dashboard, views_tasks

app_name = "cases"

urlpatterns = [
    path("", views_dashboard.home, name="home"),
    path("prehled/", views_dashboard.dashboard, name="dashboard"),
    path("ukoly/", views_tasks.inbox, name="inbox"),
    path("fronta/", views_tasks.queue, name="queue"),
    path("tym/", views_tasks.team, name="team"),
    path("ukoly/<int:task_pk>/prevzit/", views_tasks.claim, name="claim"),
    path("ukoly/<int:task_pk>/uvolnit/", views_tasks.release, name="release"),
    path("ukoly/<int:task_pk>/predat/", views_tasks.reassign, name="reassign"),
    path("pripady/<int:pk>/", views_case.case_detail, name="case_detail"),
    path("pripady/<int:pk>/tisk/", views_case.case_print, name="case_print"),
    path("hledat/", views_case.search, name="search"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("ares/", views_ares.ares_lookup, name="ares_lookup"),
    path("api/", include("workflows.api.urls")),
    # Viewflow's stock inbox and queue are replaced by ours (matched first: included before /app/)
    path("app/workflow/inbox/", RedirectView.as_view(pattern_name="cases:inbox", query_string=True), name="stock_inbox"),
    path("app/workflow/queue/", RedirectView.as_view(pattern_name="cases:queue", query_string=True), name="stock_queue"),
]
