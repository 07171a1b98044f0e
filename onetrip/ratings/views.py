"""Pages of ratings: the applicant's rating page (/applications/<number>/rate/) and the
workbench follow-ups of bad ratings (/workbench/ratings/). Views parse, call selectors and
services, and render; a refused action re-renders the page with the reason and a 4xx status."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors
from onetrip.cases.selectors import case_get
from onetrip.core import access
from onetrip.core.errors import DomainError, NotFound

from . import policies, selectors, services
from .models import BAD_LEVELS, FollowUpStatus, RatingLevel


def _own_case(request, number: str):
    """The caller's own case (only the applicant rates); anyone else: 404."""
    try:
        case = case_get(user=request.user, number=number, purpose="rating", request=request)
    except NotFound as error:
        raise Http404(error.message) from error
    if case.applicant_id != request.user.pk:
        raise Http404
    return case


def _rate_page(request, case, *, error=None, values=None, status=200):
    return render(
        request,
        "ratings/rate.html",
        {
            "case": case,
            "version": case.matter_version,
            "rating": selectors.rating_for_case(case=case),
            "levels": RatingLevel.choices,
            "bad_levels": [int(level) for level in BAD_LEVELS],
            "error": error,
            "values": values or {},
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, number: str):
    case = _own_case(request, number)
    if request.method == "GET":
        return _rate_page(request, case)
    values = {"level": request.POST.get("level", ""), "comment": request.POST.get("comment", "")}
    try:
        services.rating_submit(
            actor=request.user,
            case=case,
            level=values["level"],
            comment=values["comment"],
            request=request,
        )
    except DomainError as error:
        case.refresh_from_db()
        return _rate_page(request, case, error=error, values=values, status=error.status)
    messages.success(request, _("Thank you for your rating."))
    return redirect("ratings:rate", number=case.number)


@login_required
@require_POST
def confirm(request, number: str):
    case = _own_case(request, number)
    rating = selectors.rating_for_case(case=case)
    follow_up = getattr(rating, "follow_up", None) if rating else None
    if follow_up is None:
        raise Http404
    try:
        services.follow_up_confirm(
            actor=request.user,
            follow_up=follow_up,
            note=request.POST.get("note", ""),
            request=request,
        )
    except DomainError as error:
        return _rate_page(request, case, error=error, status=error.status)
    messages.success(request, _("Thank you. The follow-up is closed."))
    return redirect("ratings:rate", number=case.number)


# --- workbench -----------------------------------------------------------------------------


# Staff who follow up bad ratings in at least one department.
staff_required = access.signed_in_and(
    lambda user: access.is_staff(user) and policies.follow_up_department_ids(user) != set()
)


def _wb(request, template, context, status=200):
    context = {
        "staff": account_selectors.staff_for_user(user=request.user),
        "can_verify": account_policies.has_permission(request.user, "accounts.verify_in_person"),
        "can_grant": account_policies.has_permission(request.user, "accounts.grant_department"),
        **context,
    }
    return render(request, template, context, status=status)


@staff_required
def wb_list(request):
    status = request.GET.get("status", "")
    follow_ups = selectors.follow_up_list(user=request.user, status=status, request=request)
    return _wb(
        request,
        "ratings/wb_list.html",
        {"follow_ups": follow_ups, "status": status, "statuses": FollowUpStatus.choices},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def wb_follow_up(request, pk: int):
    try:
        follow_up = selectors.follow_up_get(user=request.user, pk=pk, request=request)
    except NotFound as error:
        raise Http404(error.message) from error
    error, status = None, 200
    if request.method == "POST":
        try:
            services.follow_up_answer(
                actor=request.user,
                follow_up=follow_up,
                answer=request.POST.get("answer", ""),
                request=request,
            )
        except DomainError as refused:
            error, status = refused, refused.status
        else:
            messages.success(request, _("Your answer was sent to the applicant."))
            return redirect("ratingwork:follow_up", pk=follow_up.pk)
    return _wb(
        request,
        "ratings/wb_follow_up.html",
        {
            "follow_up": follow_up,
            "rating": follow_up.rating,
            "case": follow_up.rating.application,
            "may_answer": policies.may_answer(request.user, follow_up),
            "error": error,
            "answer": request.POST.get("answer", ""),
        },
        status=status,
    )
