from django.urls import path, re_path

from . import ckan, views

app_name = "opendata"
# Action API addresses answer with or without a trailing slash (no redirect: clients POST).
urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("catalog.ttl", views.catalog, {"fmt": "ttl"}, name="catalog_ttl"),
    path("catalog.jsonld", views.catalog, {"fmt": "jsonld"}, name="catalog_jsonld"),
    path("dataset/<slug:name>/", views.dataset_detail, name="detail"),
    path("dataset/<slug:name>/download.<str:fmt>", views.dataset_download, name="download"),
    re_path(r"^api/3/action/(?P<name>[A-Za-z0-9_]+)/?$", ckan.action, name="action3"),
    re_path(r"^api/action/(?P<name>[A-Za-z0-9_]+)/?$", ckan.action, name="action"),
]
