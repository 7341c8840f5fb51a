from django.urls import path

from . import views

app_name = "opinions"

urlpatterns = [
    path("", views.opinion_list, name="list"),
    path("<int:pk>/", views.opinion_detail, name="detail"),
    path("<int:pk>/withdraw/", views.opinion_withdraw, name="withdraw"),
    path("calls/<int:pk>/", views.call_due, name="call_due"),
]
