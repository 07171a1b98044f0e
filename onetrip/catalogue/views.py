"""Public catalogue pages (phone first): search and browse matters, read a service guide."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from onetrip.core.errors import NotFound
from onetrip.departments.selectors import department_tree

from . import selectors
from .models import ApplicantKind

PAGE_SIZE = 20


def matter_search(request):
    q = request.GET.get("q", "").strip()[:100]
    department = request.GET.get("department", "").strip()[:32]
    applicant = request.GET.get("applicant", "").strip()
    life_event = request.GET.get("life_event", "").strip()[:64]
    versions = selectors.matter_list_public(
        q=q, department=department, applicant=applicant, life_event=life_event
    )
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    events = list(selectors.life_event_list_public())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/search.html",
        {
            "page": page,
            "q": q,
            "department": department,
            "applicant": applicant,
            "life_event": life_event,
            "life_events": events,
            "current_event": next((e for e in events if e.code == life_event), None),
            "departments": department_tree(),
            "applicant_choices": [
                (ApplicantKind.PERSON, ApplicantKind.PERSON.label),
                (ApplicantKind.LEGAL, ApplicantKind.LEGAL.label),
            ],
            "query_string": query.urlencode(),
            "filtered": bool(q or department or applicant or life_event),
        },
    )


def matter_detail(request, code: str):
    try:
        version = selectors.matter_get_public(code=code)
    except NotFound as error:
        raise Http404(error.message) from error
    return render(
        request,
        "catalogue/detail.html",
        {
            "version": version,
            "matter": version.matter,
            "materials": selectors.materials_with_sources(version.materials.all()),
            "life_events": list(version.matter.life_events.all()),
        },
    )
