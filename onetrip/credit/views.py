"""Workbench page of public credit: look up a subject's grade, records and list entries; add
records and list entries (supervisors and data officers, 'credit.record')."""

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from onetrip.core import access, audit
from onetrip.core.errors import DomainError
from onetrip.core.permissions import has_permission

from . import selectors, services
from .models import ListType, RecordKind, Severity, SubjectType

credit_staff_required = access.signed_in_and(
    lambda user: has_permission(user, services.RECORD_PERMISSION)
)


class SubjectForm(forms.Form):
    subject_type = forms.ChoiceField(
        label=gettext_lazy("Subject type"), choices=SubjectType.choices
    )
    subject_id = forms.CharField(
        label=gettext_lazy("Citizen ID number or unified social credit code"), max_length=18
    )


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RecordKind.choices)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        choices=[("", "—"), *Severity.choices],
        required=False,
    )
    category = forms.CharField(label=gettext_lazy("Category"), max_length=100)
    decided_on = forms.DateField(label=gettext_lazy("Decided on"))
    valid_until = forms.DateField(label=gettext_lazy("Valid until"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ListForm(forms.Form):
    list_type = forms.ChoiceField(label=gettext_lazy("List"), choices=ListType.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)
    listed_on = forms.DateField(label=gettext_lazy("Listed on"))
    until = forms.DateField(label=gettext_lazy("Until"), required=False)


def _place_errors(form, error: DomainError):
    detail = error.detail if isinstance(error.detail, dict) else {}
    placed = False
    for key, message in detail.items():
        if key in form.fields:
            form.add_error(key, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@credit_staff_required
def credit_page(request):
    subject = SubjectForm(request.GET or None)
    record_form = RecordForm(prefix="record")
    list_form = ListForm(prefix="list")
    context = {"subject_form": subject}
    if subject.is_valid():
        subject_type = subject.cleaned_data["subject_type"]
        subject_id = subject.cleaned_data["subject_id"].strip().upper()
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "record":
                    record_form = RecordForm(request.POST, prefix="record")
                    if record_form.is_valid():
                        services.credit_record_add(
                            actor=request.user,
                            subject_type=subject_type,
                            subject_id=subject_id,
                            request=request,
                            **record_form.cleaned_data,
                        )
                        return HttpResponseRedirect(request.get_full_path())
                elif action == "list":
                    list_form = ListForm(request.POST, prefix="list")
                    if list_form.is_valid():
                        services.credit_list_add(
                            actor=request.user,
                            subject_type=subject_type,
                            subject_id=subject_id,
                            request=request,
                            **list_form.cleaned_data,
                        )
                        return HttpResponseRedirect(request.get_full_path())
            except DomainError as error:
                _place_errors(record_form if action == "record" else list_form, error)
        audit.record(
            actor=request.user,
            action="credit.subject.read",
            subject_type=subject_type,
            subject_id=subject_id,
            purpose="workbench",
            request=request,
        )
        context.update(
            summary=selectors.credit_summary(subject_type, subject_id),
            records=selectors.credit_records_of(subject_type=subject_type, subject_id=subject_id),
            entries=selectors.credit_list_entries_of(
                subject_type=subject_type, subject_id=subject_id
            ),
            grades=selectors.credit_grade_history(subject_type=subject_type, subject_id=subject_id)[
                :10
            ],
        )
    context.update(record_form=record_form, list_form=list_form)
    return render(request, "credit/page.html", context)


def credit_page_url(subject_type: str, subject_id: str) -> str:
    query = urlencode({"subject_type": subject_type, "subject_id": subject_id})
    return f"{reverse('creditwork:page')}?{query}"
