from django.urls import path

from . import views

app_name = "exchangework"
urlpatterns = [
    path("", views.grants_page, name="grants"),
    path("ask/", views.grant_ask, name="ask"),
    path("usage/", views.usage_page, name="usage"),
    path("<uuid:public_id>/decide/", views.grant_decide, name="decide"),
    path("<uuid:public_id>/revoke/", views.grant_revoke, name="revoke"),
]
