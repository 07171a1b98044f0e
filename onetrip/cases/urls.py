"""Portal pages of applications, mounted at /applications/ (namespace "cases")."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("messages/", views.my_messages, name="messages"),
    path("start/<str:code>/", views.start, name="start"),
    path("notices/<uuid:public_id>/", views.notice_check, name="notice_check"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/form/", views.fill_form, name="form"),
    path("<str:number>/upload/", views.upload, name="upload"),
    path("<str:number>/commitments/", views.commitment, name="commitment"),
    path("<str:number>/submit/", views.submit, name="submit"),
    path("<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:number>/notices/<slug:kind>/", views.notice_download, name="notice"),
    path("<str:number>/files/<uuid:public_id>/", views.material_file, name="file"),
]
