"""Portal pages of ratings, mounted at /applications/ before the cases pages (namespace
"ratings")."""

from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("<str:number>/rate/", views.rate, name="rate"),
    path("<str:number>/rate/confirm/", views.confirm, name="confirm"),
]
