"""The public portal (the 浙里办 role): phone first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts import services as account_services
from onetrip.core.errors import DomainError

from . import selectors
from .forms import AgentAuthoriseForm


def home(request):
    return render(
        request,
        "portal/home.html",
        {"halls": selectors.service_halls_list(), "departments": selectors.departments_list()},
    )


def _account_context(request, *, bound_form=None):
    person = account_selectors.person_profile_get(user=request.user, request=request)
    representations = (
        list(account_selectors.representations_for_person(person=person)) if person else []
    )
    companies = []
    for representation in representations:
        if representation.kind != "representative":
            continue
        legal = representation.legal_person
        form = (
            bound_form
            if bound_form is not None and bound_form.data.get("uscc") == legal.uscc
            else AgentAuthoriseForm(initial={"uscc": legal.uscc}, auto_id=f"id_{legal.uscc}_%s")
        )
        agents = account_selectors.agents_of_legal_person(
            actor=request.user, legal_person=legal, request=request
        )
        companies.append({"legal": legal, "agents": agents, "form": form})
    return {"person": person, "representations": representations, "companies": companies}


@login_required
def my_account(request):
    return render(request, "portal/me.html", _account_context(request))


def _represented(request, uscc: str):
    person = account_selectors.person_for_user(user=request.user)
    if person is None:
        return None, None
    legal = get_object_or_404(
        account_selectors.legal_persons_represented_by(person=person), uscc=uscc
    )
    return person, legal


@login_required
@require_POST
def agent_authorise(request):
    form = AgentAuthoriseForm(request.POST, auto_id=f"id_{request.POST.get('uscc', '')}_%s")
    _person, legal = _represented(request, request.POST.get("uscc", ""))
    if legal is None:
        return redirect("portal:me")
    if form.is_valid():
        agent = account_selectors.person_find_by_id_number(
            actor=request.user,
            id_number=form.cleaned_data["id_number"],
            name=form.cleaned_data["name"],
            purpose="legal representative authorises an agent",
            request=request,
        )
        if agent is None:
            form.add_error(
                None,
                _(
                    "No registered person has this ID number and name. "
                    "The agent must register on OneTrip first."
                ),
            )
        else:
            try:
                account_services.agent_authorise(
                    actor=request.user,
                    legal_person=legal,
                    agent=agent,
                    scope=form.cleaned_data["scope"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s may now act for %(company)s.")
                    % {"name": agent.name, "company": legal.name},
                )
                return redirect("portal:me")
    return render(request, "portal/me.html", _account_context(request, bound_form=form), status=400)


@login_required
@require_POST
def agent_revoke(request):
    person = account_selectors.person_for_user(user=request.user)
    if person is None:
        return redirect("portal:me")
    try:
        representation_id = int(request.POST.get("representation", ""))
    except ValueError:
        return redirect("portal:me")
    representation = account_selectors.agent_representation_get(
        representative=person,
        uscc=request.POST.get("uscc", ""),
        representation_id=representation_id,
    )
    try:
        account_services.agent_revoke(actor=request.user, representation=representation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s may no longer act for %(company)s.")
            % {"name": representation.person.name, "company": representation.legal_person.name},
        )
    return redirect("portal:me")
