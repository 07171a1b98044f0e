from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.my_account, name="me"),
    path("me/agents/authorise/", views.agent_authorise, name="agent_authorise"),
    path("me/agents/revoke/", views.agent_revoke, name="agent_revoke"),
]
