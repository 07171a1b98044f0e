"""Production: gunicorn behind nginx (TLS terminated there), PostgreSQL, Redis.

Passes `manage.py check --deploy` without warnings.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

# nginx terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Probes from the load balancer and Prometheus come over plain HTTP on the intranet.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# `onetrip serve` runs collectstatic; nginx may serve STATIC_ROOT directly instead.
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Unified identity: the ID-token signing key must be provided (not created on the fly), and
# relying parties are reached over https only.
OIDC_RSA_PRIVATE_KEY_AUTOCREATE = env_bool("OIDC_RSA_PRIVATE_KEY_AUTOCREATE", False)
OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,  # noqa: F405
    "ALLOWED_REDIRECT_URI_SCHEMES": env_list("OIDC_REDIRECT_URI_SCHEMES", "https"),
}

# Public payment: no online gateway unless one is configured. The sandbox takes no money and
# would mark orders paid, so production never falls back to it; a county trying the platform
# sets ONETRIP_PAYMENT_GATEWAY=onetrip.payments.gateway.SandboxGateway on purpose.
ONETRIP_PAYMENT_GATEWAY = os.environ.get("ONETRIP_PAYMENT_GATEWAY", "")
if ONETRIP_PAYMENT_GATEWAY and not ONETRIP_PAYMENT_GATEWAY.endswith(".SandboxGateway"):
    if not os.environ.get("ONETRIP_PAYMENT_SECRET"):
        raise ImproperlyConfigured("ONETRIP_PAYMENT_SECRET must be set with a payment gateway.")
