"""The public portal (the 浙里办 role): phone first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from onetrip.accounts import selectors as account_selectors


def home(request):
    return render(request, "portal/home.html")


@login_required
def my_account(request):
    person = account_selectors.person_for_user(user=request.user)
    representations = account_selectors.representations_for_person(person=person) if person else []
    return render(request, "portal/me.html", {"person": person, "representations": representations})
