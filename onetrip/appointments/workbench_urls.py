from django.urls import path

from . import views

app_name = "appointmentwork"
urlpatterns = [
    path("", views.hall_day, name="day"),
    path("<str:number>/<str:action>/", views.staff_action, name="action"),
]
