from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("login/", views.login_password, name="login"),
    path("login/sms/", views.login_sms, name="login_sms"),
    path("login/totp/", views.login_totp, name="totp"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register, name="register"),
    path("account/verify/", views.verify, name="verify"),
]
