"""The staff workbench (the 浙政钉 role)."""

from django.shortcuts import render

from onetrip.accounts import selectors as account_selectors

from .decorators import staff_required


@staff_required
def home(request):
    staff = account_selectors.staff_for_user(user=request.user)
    return render(request, "workbench/home.html", {"staff": staff})
