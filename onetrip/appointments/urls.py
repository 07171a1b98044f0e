from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.my_appointments, name="list"),
    path("new/<str:code>/", views.book, name="book"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/cancel/", views.cancel, name="cancel"),
]
