from django.urls import path

from . import views

app_name = "objections"
urlpatterns = [
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/credit/<uuid:public_id>/object/", views.credit_object_form, name="credit_form"),
    path("me/data/<str:code>/object/", views.object_form, name="form"),
    path("me/data/objections/<uuid:public_id>/", views.objection_detail, name="detail"),
    path(
        "me/data/objections/<uuid:public_id>/withdraw/", views.objection_withdraw, name="withdraw"
    ),
    path("me/data/objections/<uuid:public_id>/supply/", views.objection_supply, name="supply"),
    path(
        "me/data/objections/<uuid:public_id>/evidence/<int:evidence_id>/",
        views.evidence_file,
        name="evidence",
    ),
]
