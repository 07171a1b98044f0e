"""The OIDC provider's endpoints at /o/: authorize, token, revoke, introspect, discovery,
JWKS, userinfo and RP-initiated logout.

django-oauth-toolkit's application and token management pages are left out (they would let
any signed-in person register clients; operators use `onetrip oidc-client add`), and so is
the device flow, which no county system uses.
"""

from oauth2_provider import urls as dot_urls

app_name = "oauth2_provider"  # django-oauth-toolkit reverses its own names in this namespace
urlpatterns = [
    pattern for pattern in dot_urls.base_urlpatterns if not pattern.name.startswith("device")
] + dot_urls.oidc_urlpatterns
