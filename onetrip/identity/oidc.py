"""OpenID Connect claims: who the user is, in terms every county system understands."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from onetrip.accounts import selectors as account_selectors


class OneTripOAuth2Validator(OAuth2Validator):
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
