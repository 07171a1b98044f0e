"""Workbench pages of the data catalogue: list with filters, detail with fields, and edit
pages for the owner department's data officers; Excel template, import and export."""

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.forms import formset_factory
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onetrip.core import access
from onetrip.core.errors import DomainError, NotFound
from onetrip.departments.models import Department

from . import selectors, services, xlsx
from .models import (
    DataSource,
    FieldType,
    MaskingRule,
    OpeningClass,
    Sensitivity,
    SharingClass,
    UpdateCycle,
)

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


staff_required = access.signed_in_and(selectors.is_staff)


def _dataset(request, code):
    try:
        return selectors.dataset_get(user=request.user, code=code)
    except NotFound as error:
        raise Http404(error.message) from error


class DatasetForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Dataset code"), max_length=64)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    update_cycle = forms.ChoiceField(
        label=gettext_lazy("Update cycle"), choices=UpdateCycle.choices
    )
    sharing_class = forms.ChoiceField(
        label=gettext_lazy("Sharing class"), choices=SharingClass.choices
    )
    opening_class = forms.ChoiceField(
        label=gettext_lazy("Opening class"), choices=OpeningClass.choices
    )
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Where the rows live"), choices=DataSource.choices
    )
    key_field = forms.CharField(label=gettext_lazy("Key field"), required=False, max_length=64)
    keywords = forms.CharField(label=gettext_lazy("Keywords"), required=False, max_length=300)
    themes = forms.CharField(
        label=gettext_lazy("Themes"),
        required=False,
        help_text=gettext_lazy("Separated by commas."),
    )


class FieldForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Field name"), max_length=64, required=False)
    label = forms.CharField(label=gettext_lazy("Label"), max_length=100, required=False)
    field_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=FieldType.choices)
    sensitivity = forms.TypedChoiceField(
        label=gettext_lazy("Sensitivity"), choices=Sensitivity.choices, coerce=int
    )
    masking_rule = forms.ChoiceField(
        label=gettext_lazy("Masking rule"), choices=MaskingRule.choices
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)


FieldFormSet = formset_factory(FieldForm, extra=3, can_delete=True, max_num=200)


@staff_required
def dataset_list(request):
    q = request.GET.get("q", "").strip()[:100]
    department = request.GET.get("department", "").strip()[:32]
    sharing = request.GET.get("sharing", "").strip()[:12]
    opening = request.GET.get("opening", "").strip()[:12]
    datasets = selectors.dataset_list(
        user=request.user, q=q, department=department, sharing=sharing, opening=opening
    )
    if request.GET.get("format") == "xlsx":
        content = xlsx.export_build(datasets=datasets.prefetch_related("fields"))
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="datasets.xlsx"'
        return response
    page = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    own = services.department_of(request.user)
    return render(
        request,
        "datasets/list.html",
        {
            "page": page,
            "q": q,
            "department": department,
            "sharing": sharing,
            "opening": opening,
            "departments": Department.objects.filter(datasets__isnull=False)
            .distinct()
            .order_by("code"),
            "sharing_choices": SharingClass.choices,
            "opening_choices": OpeningClass.choices,
            "query_string": query.urlencode(),
            "can_edit": own is not None and services.can_edit(request.user, own),
        },
    )


@staff_required
def dataset_detail(request, code: str):
    dataset = _dataset(request, code)
    return render(
        request,
        "datasets/detail.html",
        {
            "dataset": dataset,
            "fields": list(dataset.fields.all()),
            "can_edit": services.can_edit(request.user, dataset.owner),
        },
    )


def _apply_errors(form, error: DomainError):
    problems = error.detail if isinstance(error.detail, dict) else {}
    placed = False
    for key, message in problems.items():
        if key in form.fields and isinstance(message, str):
            form.add_error(key, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@staff_required
def dataset_edit(request, code: str | None = None):
    dataset = _dataset(request, code) if code else None
    owner = dataset.owner if dataset else services.department_of(request.user)
    if owner is None or not services.can_edit(request.user, owner):
        raise DjangoPermissionDenied
    initial = {}
    if dataset:
        initial = {k: getattr(dataset, k) for k in ("code", *services.DATASET_KEYS)}
        initial["themes"] = ", ".join(dataset.themes or [])
    form = DatasetForm(request.POST or None, initial=initial)
    if dataset:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.DATASET_KEYS}
        try:
            if dataset:
                services.dataset_update(
                    actor=request.user, dataset=dataset, request=request, **values
                )
            else:
                values.pop("key_field")
                dataset = services.dataset_create(
                    actor=request.user,
                    code=form.cleaned_data["code"],
                    owner=owner,
                    request=request,
                    **values,
                )
            return redirect("datasetwork:detail", code=dataset.code)
        except DomainError as error:
            _apply_errors(form, error)
    return render(request, "datasets/edit.html", {"form": form, "dataset": dataset, "owner": owner})


@staff_required
def dataset_fields_edit(request, code: str):
    dataset = _dataset(request, code)
    if not services.can_edit(request.user, dataset.owner):
        raise DjangoPermissionDenied
    initial = [
        {
            k: getattr(f, k)
            for k in ("name", "label", "field_type", "sensitivity", "masking_rule", "description")
        }
        for f in dataset.fields.all()
    ]
    # Bound, the formset takes no initial: an unchanged row must still count as posted.
    if request.method == "POST":
        formset = FieldFormSet(request.POST, prefix="fields")
    else:
        formset = FieldFormSet(initial=initial, prefix="fields")
    errors = []
    if request.method == "POST" and formset.is_valid():
        fields = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and (f.cleaned_data.get("name") or f.cleaned_data.get("label"))
        ]
        try:
            services.dataset_fields_set(
                actor=request.user, dataset=dataset, fields=fields, request=request
            )
            return redirect("datasetwork:detail", code=dataset.code)
        except DomainError as error:
            detail = error.detail.get("fields") if isinstance(error.detail, dict) else None
            if isinstance(detail, list):
                for problem in detail:
                    row = fields[problem["index"]]
                    for key, message in problem.items():
                        if key != "index":
                            errors.append(f"{row.get('name') or row.get('label')}: {message}")
            else:
                errors.append(str(detail or error.message))
    return render(
        request,
        "datasets/fields.html",
        {"dataset": dataset, "formset": formset, "errors": errors},
    )


@staff_required
def dataset_template(request):
    response = HttpResponse(xlsx.template_build(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="datasets-template.xlsx"'
    return response


@staff_required
def dataset_import(request):
    owner = services.department_of(request.user)
    if owner is None or not services.can_edit(request.user, owner):
        raise DjangoPermissionDenied
    errors, result, message = [], None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            message = _("Choose an Excel file.")
        elif upload.size > 10 * 1024 * 1024:
            message = _("The file is too large (10 MB at most).")
        else:
            try:
                result = xlsx.datasets_import_xlsx(
                    actor=request.user, department=owner, content=upload.read(), request=request
                )
            except DomainError as error:
                message = error.message
                errors = (
                    (error.detail or {}).get("errors", []) if isinstance(error.detail, dict) else []
                )
    return render(
        request,
        "datasets/import.html",
        {"owner": owner, "errors": errors, "result": result, "message": message},
        status=400 if message else 200,
    )
