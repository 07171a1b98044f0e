"""The staff workbench (the 浙政钉 role). Every page is scoped to the departments the staff
member may see; an out-of-scope object answers 404, like a missing one."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onetrip.accounts import policies
from onetrip.accounts import selectors as account_selectors
from onetrip.accounts import services as account_services
from onetrip.core.errors import DomainError
from onetrip.departments import selectors as department_selectors
from onetrip.identity import services as identity_services
from onetrip.identity.models import OtpPurpose

from .decorators import permission_required, staff_required
from .forms import CounterRegisterForm, DepartmentGrantForm, PersonLookupForm
from .todo import todo_items


def _render(request, template: str, context: dict, status: int = 200):
    context = {
        "staff": account_selectors.staff_for_user(user=request.user),
        "can_verify": policies.has_permission(request.user, "accounts.verify_in_person"),
        "can_grant": policies.has_permission(request.user, "accounts.grant_department"),
        **context,
    }
    return render(request, template, context, status=status)


def _departments():
    return department_selectors.department_tree(region_code=settings.ONETRIP_REGION)


def _visible_departments(staff):
    """The departments this staff member may see, as a queryset."""
    visible = account_selectors.department_ids_visible_to(staff=staff)
    departments = _departments()
    return departments if visible is None else departments.filter(pk__in=visible)


@staff_required
def home(request):
    staff = account_selectors.staff_for_user(user=request.user)
    region_wide = account_selectors.department_ids_visible_to(staff=staff) is None
    return _render(
        request,
        "workbench/home.html",
        {
            "visible": _visible_departments(staff),
            "region_wide": region_wide,
            "todo": todo_items(user=request.user),
        },
    )


def _tree(departments, visible_ids):
    """Nested [{department, visible, children}] in code order; orphans become roots."""
    nodes = {
        d.pk: {"department": d, "visible": d.pk in visible_ids, "children": []} for d in departments
    }
    roots = []
    for department in departments:
        parent = nodes.get(department.parent_id)
        (parent["children"] if parent else roots).append(nodes[department.pk])
    return roots


@staff_required
def departments(request):
    staff = account_selectors.staff_for_user(user=request.user)
    all_departments = list(_departments())
    visible_ids = set(_visible_departments(staff).values_list("pk", flat=True))
    return _render(
        request, "workbench/departments.html", {"tree": _tree(all_departments, visible_ids)}
    )


@staff_required
def department_detail(request, code: str):
    staff = account_selectors.staff_for_user(user=request.user)
    department = get_object_or_404(_visible_departments(staff), code=code)
    return _render(
        request,
        "workbench/department_detail.html",
        {
            "department": department,
            "children": department.children.filter(is_active=True).order_by("code"),
            "members": account_selectors.staff_list_for_department(
                actor=request.user, department=department, request=request
            ),
            "windows": department.windows.select_related("hall"),
        },
    )


@permission_required("accounts.verify_in_person")
@require_http_methods(["GET", "POST"])
def people(request):
    """Find a person by the ID card they show; someone not registered gets an account here.
    `?id_number=` fills the form in (from the counter intake); `?person=` shows one person,
    e.g. the one just registered."""
    form = PersonLookupForm(
        request.POST or None, initial={"id_number": request.GET.get("id_number", "")[:18]}
    )
    person, searched, register = None, False, None
    if request.method == "POST" and form.is_valid():
        searched = True
        person = account_selectors.person_find_by_id_number(
            actor=request.user,
            id_number=form.cleaned_data["id_number"],
            purpose="in-person verification at a window",
            request=request,
        )
        if person is None:
            register = CounterRegisterForm(initial=form.cleaned_data)
    elif request.GET.get("person"):
        searched, person = True, _person_shown(request, request.GET["person"])
    return _people_page(request, form=form, person=person, searched=searched, register=register)


def _next_in_workbench(request) -> str:
    """Where to continue after registering (the counter intake it came from), if it is a page
    of this workbench."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe and target.startswith(reverse("workbench:home")) else ""


def _person_shown(request, public_id: str):
    try:
        public_id = uuid.UUID(public_id)
    except ValueError as error:
        raise Http404 from error
    return account_selectors.person_get_by_public_id(
        actor=request.user,
        public_id=public_id,
        purpose="in-person verification at a window",
        request=request,
    )


def _people_page(request, *, form, person=None, searched=False, register=None, code_sent=False):
    invalid = form.errors or (register is not None and register.errors)
    return _render(
        request,
        "workbench/people.html",
        {
            "form": form,
            "person": person,
            "searched": searched,
            "register": register,
            "code_sent": code_sent,
            "next": _next_in_workbench(request),
            "can_intake": policies.has_permission(request.user, "cases.intake"),
        },
        status=400 if invalid else 200,
    )


@permission_required("accounts.verify_in_person")
@require_POST
def person_register(request):
    """现场实名登记: send the code to the person's phone, then open the account with it."""
    register = CounterRegisterForm(request.POST)
    lookup = PersonLookupForm(initial={"id_number": request.POST.get("id_number", "")})
    code_sent = False
    if register.is_valid():
        data = register.cleaned_data
        try:
            if request.POST.get("action") == "send":
                identity_services.otp_send(phone=data["phone"], purpose=OtpPurpose.COUNTER)
                code_sent = True
            else:
                user = identity_services.person_register_at_counter(
                    actor=request.user,
                    id_number=data["id_number"],
                    name=data["name"],
                    phone=data["phone"],
                    code=data["code"],
                    request=request,
                )
                messages.success(
                    request,
                    _("An account was opened for %(name)s, verified in person (L3).")
                    % {"name": data["name"]},
                )
                shown = f"{reverse('workbench:people')}?person={user.public_id}"
                return redirect(_next_in_workbench(request) or shown)
        except DomainError as error:
            field = (error.detail or {}).get("field") if isinstance(error.detail, dict) else None
            register.add_error(field if field in register.fields else None, error.message)
    return _people_page(request, form=lookup, searched=True, register=register, code_sent=code_sent)


@permission_required("accounts.verify_in_person")
@require_POST
def person_verify(request, public_id):
    person = account_selectors.person_get_by_public_id(
        actor=request.user,
        public_id=public_id,
        purpose="in-person verification at a window",
        request=request,
    )
    try:
        account_services.person_verify_in_person(
            actor=request.user, user=person.user, request=request
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is now verified in person (L3).") % {"name": person.name},
        )
    return redirect("workbench:people")


@permission_required("accounts.grant_department")
@require_http_methods(["GET", "POST"])
def grants(request):
    staff = account_selectors.staff_for_user(user=request.user)
    # Administrators grant any department; a department head grants only their own.
    if account_selectors.department_ids_visible_to(staff=staff) is None:
        grantable = _departments()
        scope = None
    else:
        grantable = _departments().filter(pk=staff.department_id)
        scope = {staff.department_id}
    form = DepartmentGrantForm(request.POST or None, departments=grantable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grantee = account_selectors.staff_find(username=data["username"])
        if grantee is None:
            form.add_error("username", _("No staff member has this account name."))
        elif grantee.department_id == data["department"].pk:
            form.add_error("username", _("This staff member already works in that department."))
        else:
            try:
                account_services.department_grant(
                    actor=request.user,
                    staff=grantee,
                    department=data["department"],
                    reason=data["reason"],
                    valid_until=data["valid_until"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s may now see the work of %(department)s.")
                    % {"name": grantee.user.display_name, "department": data["department"].name},
                )
                return redirect("workbench:grants")
    return _render(
        request,
        "workbench/grants.html",
        {"form": form, "grants": account_selectors.department_grants_list(department_ids=scope)},
        status=400 if form.errors else 200,
    )
