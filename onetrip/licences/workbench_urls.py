"""Workbench pages of e-licences, mounted at /workbench/licences/ (namespace "licencework")."""

from django.urls import path

from . import workbench_views as views

app_name = "licencework"
urlpatterns = [
    path("", views.wb_list, name="list"),
    path("<str:number>/", views.wb_detail, name="detail"),
    path("<str:number>/revoke/", views.wb_revoke, name="revoke"),
]
