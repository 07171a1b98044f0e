"""Workbench pages of statistics, mounted at /workbench/statistics/ (namespace "statistics")."""

from django.urls import path

from . import views

app_name = "statistics"
urlpatterns = [
    path("", views.statistics_page, name="page"),
    path("export.xlsx", views.statistics_export, name="export"),
]
