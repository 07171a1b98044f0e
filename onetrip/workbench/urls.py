from django.urls import path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("departments/", views.departments, name="departments"),
    path("departments/<str:code>/", views.department_detail, name="department"),
    path("people/", views.people, name="people"),
    path("people/register/", views.person_register, name="person_register"),
    path("people/<uuid:public_id>/verify/", views.person_verify, name="person_verify"),
    path("grants/", views.grants, name="grants"),
]
