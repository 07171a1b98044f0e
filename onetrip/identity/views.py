"""Sign-in pages shared by the portal, the workbench and every OIDC client of the county."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onetrip.accounts import services as account_services
from onetrip.accounts.models import User
from onetrip.core.errors import DomainError

from . import services
from .forms import PasswordLoginForm, RegisterForm, SmsLoginForm, TotpForm
from .models import OtpPurpose

PENDING_2FA = "identity_pending_2fa_user"
BACKEND = "onetrip.identity.backends.OneTripBackend"


def _requested_next(request) -> str:
    """The safe `next` the caller asked for, or "" (the form carries it through as is)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_url(request, default: str | None = None) -> str:
    return _requested_next(request) or default or reverse("portal:home")


def _finish_login(request, user: User, method: str):
    login(request, user, backend=BACKEND)
    services.login_audit(user=user, method=method, request=request)
    default = reverse("workbench:home") if user.is_staff_member else reverse("portal:home")
    return redirect(_next_url(request, default))


def _error_status(form, status: int) -> int:
    """The refusal's own status (401 wrong, 423 locked, 429 too soon); 400 for bad input."""
    if not form.errors:
        return 200
    return status if status >= 400 else 400


@require_http_methods(["GET", "POST"])
def login_password(request):
    form = PasswordLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_authenticate(
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if services.requires_second_factor(user):
                request.session[PENDING_2FA] = user.pk
                request.session["identity_next"] = _next_url(request, reverse("workbench:home"))
                return redirect("identity:totp")
            return _finish_login(request, user, "password")
    return render(
        request,
        "identity/login.html",
        {
            "form": form,
            "tab": "password",
            "next": _requested_next(request),
        },
        status=_error_status(form, status),
    )


@require_http_methods(["GET", "POST"])
def login_sms(request):
    form = SmsLoginForm(request.POST or None)
    code_sent = False
    status = 200
    if request.method == "POST" and form.is_valid():
        phone, code = form.cleaned_data["phone"], form.cleaned_data["code"]
        try:
            if request.POST.get("action") == "send":
                services.otp_send(phone=phone, purpose=OtpPurpose.LOGIN)
                code_sent = True
                messages.info(request, _("If this phone has an account, a code is on its way."))
            else:
                user = services.otp_authenticate(phone=phone, code=code, request=request)
                return _finish_login(request, user, "sms")
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
    return render(
        request,
        "identity/login.html",
        {
            "form": form,
            "tab": "sms",
            "code_sent": code_sent,
            "next": _requested_next(request),
        },
        status=_error_status(form, status),
    )


@require_http_methods(["GET", "POST"])
def login_totp(request):
    user = User.objects.filter(pk=request.session.get(PENDING_2FA)).first()
    if user is None:
        return redirect("identity:login")
    setup_needed = user.totp_confirmed_at is None
    secret = services.totp_begin_setup(user=user) if setup_needed else None
    form = TotpForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(user=user, code=form.cleaned_data["code"], request=request)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            next_url = request.session.pop("identity_next", reverse("workbench:home"))
            request.session.pop(PENDING_2FA, None)
            login(request, user, backend=BACKEND)
            services.login_audit(user=user, method="password+totp", request=request)
            return redirect(next_url)
    context = {"form": form, "setup_needed": setup_needed, "secret": secret}
    if setup_needed:
        context["provisioning_uri"] = services.totp_provisioning_uri(user=user)
    return render(request, "identity/totp.html", context, status=_error_status(form, status))


@require_http_methods(["GET", "POST"])
def register(request):
    form = RegisterForm(request.POST or None)
    code_sent = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "send":
                services.otp_send(phone=data["phone"], purpose=OtpPurpose.REGISTER)
                code_sent = True
                messages.info(request, _("A verification code has been sent to your phone."))
            else:
                services.otp_check(
                    phone=data["phone"], code=data["code"], purpose=OtpPurpose.REGISTER
                )
                user = account_services.person_register(
                    id_number=data["id_number"],
                    name=data["name"],
                    phone=data["phone"],
                    password=data["password"],
                    request=request,
                )
                login(request, user, backend=BACKEND)
                services.login_audit(user=user, method="register", request=request)
                messages.success(
                    request,
                    _(
                        "Welcome! Your account is ready. Verify your real "
                        "name to use more services."
                    ),
                )
                return redirect("identity:verify")
        except DomainError as error:
            field = (error.detail or {}).get("field") if isinstance(error.detail, dict) else None
            form.add_error(field if field in form.fields else None, error.message)
    return render(
        request,
        "identity/register.html",
        {"form": form, "code_sent": code_sent},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Real-name verification (L2) against the population registry."""
    error = None
    if request.method == "POST":
        try:
            account_services.person_verify_real_name(user=request.user, request=request)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Real-name verification passed (L2)."))
            return redirect(_next_url(request, reverse("portal:home")))
    return render(request, "identity/verify.html", {"error": error}, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def logout_view(request):
    if request.method == "POST":
        logout(request)
        messages.info(request, _("You have signed out."))
        return redirect(_next_url(request, reverse("portal:home")))
    return render(request, "identity/logout.html")
