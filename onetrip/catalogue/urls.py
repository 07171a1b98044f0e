from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.matter_search, name="search"),
    path("<str:code>/", views.matter_detail, name="detail"),
]
