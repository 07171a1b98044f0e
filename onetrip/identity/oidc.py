"""OpenID Connect claims: who the user is, in terms every county system understands."""

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749.errors import InsufficientScopeError

from onetrip.accounts import selectors as account_selectors

# Scopes a machine client (client credentials, no user behind it) may ask for.
MACHINE_SCOPES = {"read", "exchange"}


class OneTripOAuth2Validator(OAuth2Validator):
    """`sub` is the user's public id (never the integer pk); staff tokens carry their
    department and roles, so a relying party needs no second look-up."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "user_type": "openid",
        "assurance_level": "openid",
        "acr": "openid",
        "department": "openid",
        "department_code": "openid",
        "roles": "openid",
        "name": "profile",
        "preferred_username": "profile",
    }

    def get_claim_dict(self, request):
        user = request.user
        if not getattr(user, "is_authenticated", False):
            return {}  # a client-credentials token stands for a client, not a person
        claims = {
            "sub": str(user.public_id),
            "user_type": user.user_type,
            "assurance_level": user.assurance_level,
            "acr": user.assurance_level,
            "name": user.display_name or user.get_username(),
            "preferred_username": user.get_username(),
        }
        if user.phone:
            claims["phone_number"] = user.phone
            claims["phone_number_verified"] = True
        staff = account_selectors.staff_for_user(user=user)
        if staff is not None:
            claims["department"] = staff.department.name
            claims["department_code"] = staff.department.code
            claims["roles"] = sorted(staff.role_set())
        return claims

    def get_userinfo_claims(self, request):
        if not getattr(request.user, "is_authenticated", False):
            raise InsufficientScopeError(description="This token does not stand for a user.")
        return super().get_userinfo_claims(request)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        if request.grant_type == "client_credentials":
            return ["read"]
        return super().get_default_scopes(client_id, request, *args, **kwargs)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        if request.grant_type == "client_credentials" and not set(scopes) <= MACHINE_SCOPES:
            return False  # no identity scopes without a user
        return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)

    def get_discovery_claims(self, request):
        return [
            "sub",
            "user_type",
            "assurance_level",
            "acr",
            "name",
            "preferred_username",
            "phone_number",
            "phone_number_verified",
            "department",
            "department_code",
            "roles",
        ]
