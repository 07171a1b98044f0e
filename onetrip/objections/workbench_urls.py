from django.urls import path

from . import views

app_name = "objectionswork"
urlpatterns = [
    path("", views.work_list, name="list"),
    path("<uuid:public_id>/", views.work_detail, name="detail"),
    path("<uuid:public_id>/decide/", views.work_decide, name="decide"),
    path("<uuid:public_id>/request-more/", views.work_request_more, name="request_more"),
    path(
        "<uuid:public_id>/evidence/<int:evidence_id>/",
        views.evidence_file,
        name="evidence",
    ),
]
