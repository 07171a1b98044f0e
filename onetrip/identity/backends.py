from django.contrib.auth.backends import ModelBackend

from onetrip.accounts.models import User


class OneTripBackend(ModelBackend):
    """Session users are loaded here; credentials are checked in identity.services (lock-out,
    second factor), so `authenticate()` accepts nothing on its own."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        user = User.objects.filter(pk=user_id, is_active=True).first()
        return user
