"""API authentication: an OAuth2 bearer token from our provider, or the browser session."""

import hashlib
import time

from django.conf import settings
from ninja.security import HttpBearer, SessionAuth
from oauth2_provider.models import get_access_token_model

AccessToken = get_access_token_model()

# checksum → (valid until (monotonic), token with its user). Per process; see
# docs/decisions/0011-token-validation-cache.md for why a few seconds are acceptable.
_validated: dict[str, tuple[float, object]] = {}
_MAX_CACHED = 20_000


def _token_lookup(checksum: str):
    ttl = settings.ONETRIP_TOKEN_CACHE_SECONDS
    now = time.monotonic()
    if ttl:
        hit = _validated.get(checksum)
        if hit is not None and hit[0] > now:
            return hit[1]
    # One indexed lookup with the user joined (the client application loads lazily where an
    # endpoint needs it).
    access = AccessToken.objects.select_related("user").filter(token_checksum=checksum).first()
    if ttl and access is not None:
        if len(_validated) >= _MAX_CACHED:
            _validated.clear()
        _validated[checksum] = (now + ttl, access)
    return access


def token_cache_clear() -> None:
    _validated.clear()


class OAuth2Bearer(HttpBearer):
    """Accepts a live access token issued by /o/token/; puts its user (or client) on request."""

    def authenticate(self, request, token):
        access = _token_lookup(hashlib.sha256(token.encode()).hexdigest())
        if access is None or access.is_expired():
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
