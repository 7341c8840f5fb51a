from django.urls import include, path
from django.views.generic import RedirectView

from . import views, views_ares, views_case, views_dashboard, views_dispatch, views_notify, views_tasks

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
    path("odeslani/<int:pk>/znovu/", views_dispatch.dispatch_retry, name="dispatch_retry"),
    path("odeslani/<int:pk>/listinne/", views_dispatch.dispatch_to_paper, name="dispatch_to_paper"),
    path("hledat/", views_case.search, name="search"),
    path("upozorneni/", views_notify.notification_list, name="notifications"),
    path("upozorneni/nastaveni/", views_notify.notification_settings, name="notification_settings"),
    path("upozorneni/precteno/", views_notify.notifications_read_all, name="notifications_read_all"),
    path("upozorneni/<int:pk>/", views_notify.notification_open, name="notification_open"),
    path("upozorneni/<int:pk>/precteno/", views_notify.notification_read, name="notification_read"),
    path("pohledy/", views_notify.saved_view_create, name="saved_view_create"),
    path("pohledy/<int:pk>/smazat/", views_notify.saved_view_delete, name="saved_view_delete"),
    path("pohledy/<int:pk>/kopirovat/", views_notify.saved_view_copy, name="saved_view_copy"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("ares/", views_ares.ares_lookup, name="ares_lookup"),
    path("api/", include("workflows.api.urls")),
    # Viewflow's stock inbox and queue are replaced by ours (matched first: included before /app/)
    path("app/workflow/inbox/", RedirectView.as_view(pattern_name="cases:inbox", query_string=True), name="stock_inbox"),
    path("app/workflow/queue/", RedirectView.as_view(pattern_name="cases:queue", query_string=True), name="stock_queue"),
]
