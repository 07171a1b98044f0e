"""API authentication: an OAuth2 bearer token from our provider, or the browser session."""

import hashlib

from ninja.security import HttpBearer, SessionAuth
from oauth2_provider.models import get_access_token_model

AccessToken = get_access_token_model()


class OAuth2Bearer(HttpBearer):
    """Accepts a live access token issued by /o/token/; puts its user (or client) on request."""

    def authenticate(self, request, token):
        checksum = hashlib.sha256(token.encode()).hexdigest()
        try:
            # The hot path of every API call: one indexed lookup, the user joined, nothing more
            # (the client application loads lazily where an endpoint needs it).
            access = AccessToken.objects.select_related("user").get(token_checksum=checksum)
        except AccessToken.DoesNotExist:
            return None
        if access.is_expired():
            return None
        if access.user is not None and not access.user.is_active:
            return None
        request.oauth_token = access
        if access.user is not None:
            request.user = access.user
        return access


class Session(SessionAuth):
    """The browser session (portal and workbench pages calling the API with htmx)."""


bearer_or_session = [OAuth2Bearer(), Session()]
