from django.contrib import admin
from django.urls import include, path

from config.site import auth_viewset, site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("opinions/", include("opinions.urls")),
    path("registry/", include("registrations.urls")),
    path("", include("workflows.urls")),
    path("", auth_viewset.urls),
    path("app/", site.urls),
]

handler404 = "workflows.views.not_found"
