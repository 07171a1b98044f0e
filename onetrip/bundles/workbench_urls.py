"""Workbench pages of bundles, mounted at /workbench/bundles/ (namespace "bundlework")."""

from django.urls import path

from . import views

app_name = "bundlework"
urlpatterns = [
    path("", views.wb_list, name="list"),
    path("<str:number>/", views.wb_detail, name="detail"),
]
