from django.urls import path

from . import views

app_name = "datarequests"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("new/", views.new, name="new"),
    path("<uuid:public_id>/", views.detail, name="detail"),
]
