"""URLconf for the benchmark: the project's URLs, minus the redirects that hide Viewflow's
stock inbox and queue, so both can be measured side by side on the same data."""

from django.urls import include, path

from config import urls as project_urls
from workflows import urls as workflow_urls

_HIDDEN = {"stock_inbox", "stock_queue"}
_workflow_patterns = [p for p in workflow_urls.urlpatterns if getattr(p, "name", None) not in _HIDDEN]

urlpatterns = []
for pattern in project_urls.urlpatterns:
    if getattr(pattern, "urlconf_name", None) is workflow_urls:
        urlpatterns.append(path("", include((_workflow_patterns, workflow_urls.app_name))))
    else:
        urlpatterns.append(pattern)
