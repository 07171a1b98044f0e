"""Workbench pages of applications, mounted at /workbench/cases/ (namespace "casework")."""

from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("", views.wb_list, name="list"),
    path("intake/", views.wb_intake, name="intake"),
    path("supervision/", views.wb_supervision, name="supervision"),
    path("notices/", views.wb_notices, name="notices"),
    path("<str:number>/", views.wb_detail, name="detail"),
    path("<str:number>/form/", views.wb_form, name="form"),
    path("<str:number>/<slug:action>/", views.wb_action, name="action"),
]
