from django.urls import path

from . import views

app_name = "datasetwork"
urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("new/", views.dataset_edit, name="create"),
    path("template.xlsx", views.dataset_template, name="template"),
    path("import/", views.dataset_import, name="import"),
    path("<str:code>/", views.dataset_detail, name="detail"),
    path("<str:code>/edit/", views.dataset_edit, name="edit"),
    path("<str:code>/fields/", views.dataset_fields_edit, name="fields"),
]
