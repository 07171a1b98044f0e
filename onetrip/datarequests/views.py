"""Pages of data requests: on the open-data portal, the published requests and answers, the
form, one request; in the workbench, the department's queue and the answer. Thin: parse →
selector → service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onetrip.core import access, audit
from onetrip.core.errors import DomainError, NotFound
from onetrip.datasets.models import Dataset
from onetrip.departments.models import Department
from onetrip.workdays.selectors import colour_for, yellow_cutoff

from . import selectors, services
from .models import RequestKind, RequestStatus

PAGE_SIZE = 20


def public_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in RequestKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    page = Paginator(selectors.public_requests(kind=kind, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "datarequests/list.html",
        {
            "page_obj": page,
            "kind": kind,
            "status": status,
            "kinds": RequestKind.choices,
            "statuses": RequestStatus.choices,
            "query": query.urlencode(),
            "days": services.answer_days(),
            "mine": list(selectors.requests_of_user(user=request.user)[:20])
            if request.user.is_authenticated
            else [],
        },
    )


def _form_context(request, *, error=None) -> dict:
    source = request.POST if request.method == "POST" else request.GET
    return {
        "kinds": RequestKind.choices,
        "datasets": selectors.open_datasets(),
        "departments": selectors.departments_holding_data(),
        "values": {
            "kind": source.get("kind", RequestKind.NEED),
            "dataset": source.get("dataset", ""),
            "department": source.get("department", ""),
            "title": source.get("title", ""),
            "description": source.get("description", ""),
            "purpose": source.get("purpose", ""),
            "phone": source.get("phone", ""),
            "is_public": request.method != "POST" or source.get("is_public") == "yes",
        },
        "error": error,
        "problems": (error.detail.get("fields", {}) if error else {}),
    }


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    if request.method == "POST":
        post = request.POST
        try:
            item = services.request_file(
                actor=request.user,
                kind=post.get("kind", ""),
                dataset=Dataset.objects.filter(code=post.get("dataset", "")).first(),
                department=Department.objects.filter(code=post.get("department", "")).first(),
                title=post.get("title", ""),
                description=post.get("description", ""),
                purpose=post.get("purpose", ""),
                phone=post.get("phone", ""),
                is_public=post.get("is_public") == "yes",
                request=request,
            )
        except DomainError as error:
            return render(
                request,
                "datarequests/form.html",
                _form_context(request, error=error),
                status=error.status,
            )
        messages.success(request, _("Your request was sent."))
        return redirect("datarequests:detail", public_id=item.public_id)
    return render(request, "datarequests/form.html", _form_context(request))


def _get(request, public_id):
    try:
        return selectors.request_get_for(user=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error


def detail(request, public_id):
    item = _get(request, public_id)
    return render(
        request,
        "datarequests/detail.html",
        {"item": item, "mine": item.requester_id == getattr(request.user, "pk", None)},
    )


# --- workbench -------------------------------------------------------------------------------


officer_required = access.signed_in_and(selectors.is_officer)  # the departments' data officers


@officer_required
def work_list(request):
    status = request.GET.get("status", RequestStatus.OPEN)
    status = status if status in RequestStatus.values or status == "all" else RequestStatus.OPEN
    rows = selectors.requests_for_officer(
        user=request.user, status="" if status == "all" else status
    ).order_by("due_on" if status == RequestStatus.OPEN else "-filed_at")[:200]
    today = timezone.localdate()
    cutoff = yellow_cutoff(today)
    return render(
        request,
        "datarequests/wb_list.html",
        {
            "rows": [
                (r, colour_for(r.due_on, today=today, cutoff=cutoff) if r.is_open else "")
                for r in rows
            ],
            "status": status,
            "statuses": RequestStatus.choices,
            "counts": selectors.queue_counts(user=request.user),
        },
    )


def _work_detail(request, item, *, error=None):
    return render(
        request,
        "datarequests/wb_detail.html",
        {
            "item": item,
            "may_answer": services.can_edit(request.user, item.department),
            "error": error,
            "answer": request.POST.get("answer", "") if error else "",
        },
        status=error.status if error else 200,
    )


@officer_required
def work_detail(request, public_id):
    item = _get(request, public_id)
    # The requester's contact phone is shown to the department: an audited read.
    audit.record(
        actor=request.user,
        action="datarequests.read",
        target=item,
        request=request,
        detail={"number": item.number},
    )
    return _work_detail(request, item)


@require_POST
@officer_required
def work_answer(request, public_id):
    item = _get(request, public_id)
    try:
        services.request_answer(
            actor=request.user,
            item=item,
            accepted=request.POST.get("decision") == "accept",
            answer=request.POST.get("answer", ""),
            request=request,
        )
    except DomainError as error:
        item.refresh_from_db()
        return _work_detail(request, item, error=error)
    messages.success(request, _("The answer was published."))
    return redirect("datarequestwork:detail", public_id=public_id)
