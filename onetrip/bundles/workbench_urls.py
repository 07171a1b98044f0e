"""Workbench pages of bundles, mounted at /workbench/bundles/ (namespace "bundlework")."""

from django.urls import path

from . import views

app_name = "bundlework"
urlpatterns = [
    path("", views.wb_list, name="list"),
    path("start/", views.wb_start, name="start"),
    path("<str:number>/", views.wb_detail, name="detail"),
    path("<str:number>/form/", views.wb_form, name="form"),
    path("<str:number>/upload/", views.wb_upload, name="upload"),
    path("<str:number>/submit/", views.wb_submit, name="submit"),
]
