from django.urls import path

from . import views

app_name = "datarequestwork"
urlpatterns = [
    path("", views.work_list, name="list"),
    path("<uuid:public_id>/", views.work_detail, name="detail"),
    path("<uuid:public_id>/answer/", views.work_answer, name="answer"),
]
