"""Workbench pages of ratings, mounted at /workbench/ratings/ (namespace "ratingwork")."""

from django.urls import path

from . import views

app_name = "ratingwork"
urlpatterns = [
    path("", views.wb_list, name="list"),
    path("<int:pk>/", views.wb_follow_up, name="follow_up"),
]
