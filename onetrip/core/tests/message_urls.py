"""Two views for test_messages: one leaves a message and redirects, the other shows them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path


def leave(request):
    messages.success(request, "已保存")
    return redirect("/show/")


def show(request):
    return HttpResponse("|".join(str(m) for m in messages.get_messages(request)))


def quiet(request):
    return HttpResponse("ok")


urlpatterns = [path("leave/", leave), path("show/", show), path("quiet/", quiet)]
