"""Portal pages of life-event bundles, mounted at /bundles/ (namespace "bundles")."""

from django.urls import path

from . import views

app_name = "bundles"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/<str:code>/", views.start, name="start"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/form/", views.fill_form, name="form"),
    path("<str:number>/upload/", views.upload, name="upload"),
    path("<str:number>/submit/", views.submit, name="submit"),
    path("<str:number>/withdraw/", views.withdraw, name="withdraw"),
]
