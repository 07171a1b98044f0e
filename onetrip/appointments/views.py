"""Pages of appointments: on the portal, booking a time at a hall for a matter (from its
guide), one's appointments and cancelling; in the workbench, a hall's day for the window clerks
(check in, cancel for the hall, start the counter intake). Thin: parse → selector → service →
render."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onetrip.catalogue import selectors as catalogue_selectors
from onetrip.core import access
from onetrip.core.errors import DomainError, NotFound
from onetrip.departments.models import ServiceHall

from . import policies, selectors, services
from .models import AppointmentStatus


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


def _version(code: str):
    try:
        return catalogue_selectors.matter_get_public(code=code)
    except NotFound as error:
        raise Http404(error.message) from error


# --- portal ----------------------------------------------------------------------------------


@login_required
def my_appointments(request):
    rows = list(selectors.appointments_for_person(user=request.user)[:100])
    today = selectors.today()
    return render(
        request,
        "appointments/my_list.html",
        {
            "upcoming": [a for a in rows if a.day >= today and a.status == "booked"],
            "others": [a for a in rows if not (a.day >= today and a.status == "booked")],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request, code: str):
    """Choose the hall, the day and the time for a matter handled at the counter."""
    version = _version(code)
    halls = selectors.halls_for(version)
    source = request.POST if request.method == "POST" else request.GET
    chosen = next((h for h in halls if h.code == source.get("hall")), None)
    # Shown: the first hall unless one was chosen; booked: only the hall that was chosen.
    hall = chosen or (halls[0] if halls else None)
    days = selectors.bookable_days(hall) if hall else []
    day = _date(source.get("day", ""))
    day = day if day in days else (days[0] if days else None)
    error, status = None, 200
    if request.method == "POST":
        try:
            appointment = services.appointment_book(
                actor=request.user,
                version=version,
                hall=chosen or ServiceHall(code=source.get("hall", "")),
                day=_date(source.get("day", "")) or selectors.today(),
                start=source.get("start", ""),
                request=request,
            )
        except DomainError as refused:
            error, status = refused, refused.status
        else:
            messages.success(request, _("Your appointment is booked."))
            return redirect("appointments:detail", number=appointment.number)
    return render(
        request,
        "appointments/book.html",
        {
            "version": version,
            "matter": version.matter,
            "halls": halls,
            "hall": hall,
            "days": days,
            "day": day,
            "slots": selectors.slots(hall, day) if hall and day else [],
            "error": error,
        },
        status=status,
    )


def _own(request, number: str):
    try:
        return selectors.appointment_get_for_person(user=request.user, number=number)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def detail(request, number: str, *, error=None, status=200):
    appointment = _own(request, number)
    version = appointment.matter.current_version
    materials = list(version.materials.order_by("position")) if version else []
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "version": version,
            "materials": materials,
            "cancellable": appointment.status == AppointmentStatus.BOOKED
            and services.starts(appointment) > selectors.now(),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def cancel(request, number: str):
    appointment = _own(request, number)
    try:
        services.appointment_cancel(
            actor=request.user,
            appointment=appointment,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except DomainError as refused:
        return detail(request, number, error=refused, status=refused.status)
    messages.success(request, _("The appointment is cancelled."))
    return redirect("appointments:detail", number=number)


# --- workbench -------------------------------------------------------------------------------

_hall_staff = access.signed_in_and(policies.is_hall_staff)


@_hall_staff
def hall_day(request, *, error=None, status=200):
    halls = list(ServiceHall.objects.order_by("code"))
    source = request.POST if request.method == "POST" else request.GET
    hall = next((h for h in halls if h.code == source.get("hall")), halls[0] if halls else None)
    day = _date(source.get("day", "")) or selectors.today()
    rows = (
        selectors.hall_day(user=request.user, hall=hall, day=day, request=request) if hall else []
    )
    summary = selectors.hall_summary(hall, until=day) if hall else None
    counts = {value: 0 for value in AppointmentStatus.values}
    for row in rows:
        counts[row.status] += 1
    return render(
        request,
        "appointments/wb_day.html",
        {
            "halls": halls,
            "hall": hall,
            "day": day,
            "today": selectors.today(),
            "rows": rows,
            "counts": [(label, counts[value]) for value, label in AppointmentStatus.choices],
            "summary": summary,
            "summary_cells": [
                (label, summary.counts.get(value, 0)) for value, label in AppointmentStatus.choices
            ]
            if summary
            else [],
            "error": error,
        },
        status=status,
    )


def _back(appointment) -> str:
    query = urlencode({"hall": appointment.hall.code, "day": appointment.day.isoformat()})
    return reverse("appointmentwork:day") + "?" + query


@_hall_staff
@require_POST
def staff_action(request, number: str, action: str):
    try:
        appointment = selectors.appointment_get_for_staff(number=number)
    except NotFound as error:
        raise Http404(error.message) from error
    try:
        if action == "arrive":
            appointment = services.appointment_arrive(
                actor=request.user, appointment=appointment, request=request
            )
            messages.success(
                request,
                _("%(name)s is checked in: ticket %(ticket)s.")
                % {"name": appointment.name, "ticket": appointment.ticket},
            )
        elif action == "cancel":
            services.appointment_cancel(
                actor=request.user,
                appointment=appointment,
                reason=request.POST.get("reason", ""),
                request=request,
            )
            messages.success(request, _("The appointment is cancelled and the person told."))
        else:
            raise Http404
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect(_back(appointment))
