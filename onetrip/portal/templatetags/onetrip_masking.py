"""Masking (脱敏) for pages: personal identifiers are shown in part, never whole."""

from django import template

register = template.Library()


@register.filter
def mask_id_number(value: str) -> str:
    """330424199001011234 → 330424********1234 (region code and last four kept)."""
    value = str(value or "")
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


@register.filter
def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    value = str(value or "")
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


@register.filter
def mask_name(value: str) -> str:
    """张三丰 → 张**; the family name stays so the person can recognise themselves."""
    value = str(value or "")
    return value[:1] + "*" * (len(value) - 1) if len(value) > 1 else value
