"""Signing in: passwords (Argon2), one-time codes to a phone, TOTP for staff, lock-out."""

import datetime
import hmac
import secrets

import pyotp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors
from onetrip.accounts import services as account_services
from onetrip.accounts.models import AssuranceLevel, User, UserType
from onetrip.accounts.validators import check_mobile_phone
from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.core.sm3 import sm3_hex
from onetrip.notify import services as notify

from .models import OneTimeCode, OtpPurpose

Application = get_application_model()
MAX_CODE_ATTEMPTS = 5
RESEND_AFTER_SECONDS = 60

# Compared against when the account does not exist, so both paths cost one Argon2 hash.
_DUMMY_USER = User(username="-")
_DUMMY_USER.set_unusable_password()


def _locked_error(user: User) -> DomainError:
    minutes = max(1, int((user.locked_until - timezone.now()).total_seconds() // 60) + 1)
    return DomainError(
        "identity.locked",
        _("Too many failed attempts. This account is locked for %(minutes)d more minutes.")
        % {"minutes": minutes},
        status=423,
        detail={"locked_until": user.locked_until.isoformat()},
    )


def _invalid_credentials() -> DomainError:
    return DomainError(
        "identity.invalid_credentials", _("The account or password is wrong."), status=401
    )


def _register_failure(user: User, *, request=None) -> None:
    """Counts a failed attempt; the Nth in a row locks the account for a while."""
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.ONETRIP_LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + datetime.timedelta(
            minutes=settings.ONETRIP_LOGIN_LOCK_MINUTES
        )
        user.failed_logins = 0
        user.save(update_fields=["locked_until", "failed_logins"])
        audit.record(actor=user, action="identity.account.locked", target=user, request=request)


def _register_success(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


def password_authenticate(*, identifier: str, password: str, request=None) -> User:
    """Checks a password. Raises for a wrong one, and for a locked account even if right."""
    user = account_selectors.user_find_for_login(identifier=identifier)
    if user is None:
        _DUMMY_USER.check_password(password)
        raise _invalid_credentials()
    if user.is_locked():
        raise _locked_error(user)
    if not user.check_password(password):
        _register_failure(user, request=request)
        if user.is_locked():
            raise _locked_error(user)
        raise _invalid_credentials()
    if not requires_second_factor(user):
        # Staff reset their failure count only after the second factor too, so alternating a
        # right password with wrong TOTP codes cannot dodge the lock-out.
        _register_success(user)
    return user


def requires_second_factor(user: User) -> bool:
    return user.user_type == UserType.STAFF


def _hash_code(phone: str, code: str) -> str:
    return sm3_hex(f"{settings.SECRET_KEY}:{phone}:{code}".encode())


def otp_send(*, phone: str, purpose: str = OtpPurpose.LOGIN) -> None:
    """Sends a one-time code to a phone, at most once a minute."""
    phone = (phone or "").strip()
    verdict = check_mobile_phone(phone)
    if not verdict.valid:
        raise DomainError("identity.invalid_phone", verdict.reason, detail={"field": "phone"})
    now = timezone.now()
    recent = OneTimeCode.objects.filter(
        phone=phone,
        purpose=purpose,
        created_at__gt=now - datetime.timedelta(seconds=RESEND_AFTER_SECONDS),
    )
    if recent.exists():
        raise DomainError(
            "identity.code_too_soon",
            _("A code was just sent. Please wait a minute before asking again."),
            status=429,
        )
    if (
        purpose == OtpPurpose.LOGIN
        and not User.objects.filter(phone=phone, is_active=True).exists()
    ):
        return  # say nothing about which phones have accounts
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_hash_code(phone, code),
        expires_at=now + datetime.timedelta(seconds=settings.ONETRIP_OTP_TTL_SECONDS),
    )
    if purpose == OtpPurpose.COUNTER:
        # Read out to the clerk who is opening the account with the person at the window.
        message = _(
            "[OneTrip] You are opening an account at a service hall's window. Your code is "
            "%(code)s, valid for 5 minutes. Tell it only to the clerk in front of you."
        ) % {"code": code}
    else:
        message = _(
            "[OneTrip] Your verification code is %(code)s, valid for 5 minutes. "
            "Never tell it to anyone."
        ) % {"code": code}
    transaction.on_commit(lambda: notify.sms_send(phone=phone, text=message))


@transaction.atomic
def otp_check(*, phone: str, code: str, purpose: str = OtpPurpose.LOGIN) -> None:
    """Accepts the newest unexpired code for the phone once; a few wrong tries burn it."""
    phone = (phone or "").strip()
    otp = (
        OneTimeCode.objects.select_for_update()
        .filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if otp is None or otp.attempts >= MAX_CODE_ATTEMPTS:
        raise DomainError(
            "identity.code_expired",
            _("The code has expired. Please ask for a new one."),
            status=400,
        )
    if not hmac.compare_digest(otp.code_hash, _hash_code(phone, (code or "").strip())):
        otp.attempts += 1
        otp.save(update_fields=["attempts"])
        raise DomainError("identity.code_wrong", _("The code is wrong."), status=400)
    otp.used_at = timezone.now()
    otp.save(update_fields=["used_at"])


def person_register_at_counter(
    *, actor: User, id_number: str, name: str, phone: str, code: str, request=None
) -> User:
    """A clerk opens an account for a person at the window (现场实名登记), so that someone who
    never registered online is served on the same trip: the clerk has seen the ID card (L3),
    the phone is proved by the code sent to it, and no password is set (they sign in with codes
    sent to the phone). The person is told by SMS and in-app."""
    account_policies.require(actor, "accounts.verify_in_person")
    # Checked before the code is spent: a wrong name or a taken phone needs no new code.
    account_services.person_registration_check(id_number=id_number, name=name, phone=phone)
    otp_check(phone=phone, code=code, purpose=OtpPurpose.COUNTER)
    user = account_services.person_register(
        id_number=id_number,
        name=name,
        phone=phone,
        password=None,
        actor=actor,
        request=request,
        level=AssuranceLevel.L3,
    )
    notify.notification_send(
        user=user,
        title=_("Your account was opened at a service hall"),
        body=_(
            "Sign in on the portal with this phone number and a code sent to it, to follow "
            "your applications and see your licences."
        ),
        link="/me/",
    )
    return user


def otp_authenticate(*, phone: str, code: str, request=None) -> User:
    user = User.objects.filter(phone=(phone or "").strip(), is_active=True).first()
    if user is not None and user.is_locked():
        raise _locked_error(user)
    try:
        otp_check(phone=phone, code=code, purpose=OtpPurpose.LOGIN)
    except DomainError:
        if user is not None:
            _register_failure(user, request=request)
        raise
    if user is None:
        raise _invalid_credentials()
    if requires_second_factor(user):
        raise DomainError(
            "identity.staff_use_password",
            _("Staff sign in with their account name, password and TOTP code."),
            status=400,
        )
    _register_success(user)
    return user


def totp_verify(*, user: User, code: str, request=None) -> None:
    """The staff second factor. Wrong codes count towards the same lock-out as passwords."""
    if user.is_locked():
        raise _locked_error(user)
    if not user.totp_secret:
        raise DomainError("identity.totp_not_set_up", _("TOTP has not been set up."))
    if not pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1):
        _register_failure(user, request=request)
        if user.is_locked():
            raise _locked_error(user)
        raise DomainError("identity.totp_wrong", _("The authenticator code is wrong."), status=401)
    _register_success(user)
    if user.totp_confirmed_at is None:
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_confirmed_at"])


def totp_begin_setup(*, user: User) -> str:
    if user.totp_confirmed_at is None and not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user.totp_secret


def totp_provisioning_uri(*, user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.get_username(), issuer_name="OneTrip"
    )


def login_audit(*, user: User, method: str, request=None) -> None:
    audit.record(
        actor=user, action="identity.login", target=user, request=request, detail={"method": method}
    )


@transaction.atomic
def oidc_client_create(
    *,
    actor,
    name: str,
    redirect_uris: list[str],
    grant: str = "authorization-code",
    public: bool = False,
    trusted: bool = False,
    post_logout_redirect_uris: list[str] | None = None,
) -> tuple[Application, str | None]:
    """Registers a relying party (authorization code + PKCE) or a machine client (client
    credentials). Returns the client and, for a confidential one, its secret: shown once, only
    its hash (CLIENT_SECRET_HASHER) is stored."""
    grant_types = {
        "authorization-code": Application.GRANT_AUTHORIZATION_CODE,
        "client-credentials": Application.GRANT_CLIENT_CREDENTIALS,
    }
    if grant not in grant_types:
        raise DomainError(
            "identity.unknown_grant",
            _("Unknown grant type."),
            detail={"grant": grant, "allowed": sorted(grant_types)},
        )
    machine = grant == "client-credentials"
    if machine and public:
        raise DomainError(
            "identity.public_machine_client",
            _("A machine client must be confidential: it signs in with its secret."),
        )
    if not machine and not redirect_uris:
        raise DomainError(
            "identity.redirect_uri_required",
            _("A client using the authorization code grant needs at least one redirect URI."),
        )
    secret = None if public else generate_client_secret()
    client = Application(
        name=(name or "").strip(),
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=grant_types[grant],
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris or []),
        skip_authorization=trusted,
        algorithm="" if machine else Application.RS256_ALGORITHM,
        client_secret=secret or "",
        hash_client_secret=True,
    )
    try:
        client.full_clean()
    except ValidationError as error:
        raise DomainError(
            "identity.invalid_client",
            _("The client registration is not valid: %(problems)s")
            % {"problems": "; ".join(error.messages)},
            detail=error.message_dict,
        ) from error
    client.save()
    audit.record(
        actor=actor,
        action="identity.oidc_client.create",
        target=client,
        target_id=client.client_id,
        detail={"name": client.name, "grant": grant, "public": public, "trusted": trusted},
    )
    return client, secret


def oidc_client_list():
    return Application.objects.order_by("created")
