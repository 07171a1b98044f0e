from django.urls import path

from . import views

app_name = "paymentwork"
urlpatterns = [
    path("", views.work_list, name="list"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path(
        "reconciliation/<int:pk>/differences/<int:index>/handle/",
        views.difference_handle,
        name="difference_handle",
    ),
    path("<uuid:public_id>/", views.work_detail, name="detail"),
    path("<uuid:public_id>/<str:action>/", views.work_action, name="action"),
]
