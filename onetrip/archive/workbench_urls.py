from django.urls import path

from . import views

app_name = "archivework"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("<str:code>/", views.record_detail, name="detail"),
    path("<str:code>/take/", views.record_take, name="take"),
    path("<str:code>/check/", views.record_check, name="check"),
    path("<str:code>/appraise/", views.record_appraise, name="appraise"),
    path("<str:code>/appraisals/<int:pk>/", views.appraisal_decide, name="appraisal_decide"),
]
