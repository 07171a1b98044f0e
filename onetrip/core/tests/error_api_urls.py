"""A small API for the error tests, answering with the platform's exception handlers, so the
tests do not depend on which domain endpoints exist."""

from django.urls import include, path
from ninja import NinjaAPI, Schema

from onetrip.api import api as platform_api
from onetrip.core.errors import DomainError, NotFound
from onetrip.urls import handler400, handler403, handler404, handler500  # noqa: F401

api = NinjaAPI(urls_namespace="error-test-api", docs_url=None)
for exception_class, handler in platform_api._exception_handlers.items():
    api.add_exception_handler(exception_class, handler)


class ThingIn(Schema):
    name: str
    count: int


@api.post("things", auth=None)
def thing_create(request, payload: ThingIn):
    if payload.count < 0:
        raise DomainError("tests.negative", "Count must not be negative.", detail={"count": 0})
    return {"name": payload.name, "count": payload.count}


@api.get("things/{number}", auth=None)
def thing_get(request, number: int):
    raise NotFound("tests.thing_not_found", "No such thing.")


@api.get("boom", auth=None)
def boom(request):
    raise RuntimeError("secret detail of a bug")


def boom_page(request):
    raise RuntimeError("secret detail of a bug")


urlpatterns = [
    path("api/test/", api.urls),
    path("boom/", boom_page),
    path("", include("onetrip.urls")),
]
