from django.urls import path

from . import views

app_name = "creditwork"
urlpatterns = [path("", views.credit_page, name="page")]
