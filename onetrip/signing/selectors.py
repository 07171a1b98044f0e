"""Reads of signing keys. Public keys are public: anyone may list them to verify signatures."""

from .models import SigningKey


def signing_key_list(*, department_code: str | None = None):
    queryset = SigningKey.objects.select_related("department").order_by(
        "department__code", "-created_at"
    )
    if department_code is not None and "\x00" in department_code:
        return queryset.none()  # PostgreSQL refuses NUL in a string; no code contains one
    if department_code:
        queryset = queryset.filter(department__code=department_code)
    return queryset
