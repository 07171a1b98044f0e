from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [path("me/data-access/", views.data_access, name="data_access")]
