"""Masking (脱敏) of one value by a field's rule: 身份证 330424********1234, 姓名 张*,
手机 138****5678."""

from .models import MaskingRule


def mask(value, rule: str):
    if value is None or rule == MaskingRule.NONE:
        return value
    text = str(value)
    if text == "":
        return text
    if rule == MaskingRule.ID_NUMBER:
        return text[:6] + "*" * max(len(text) - 10, 0) + text[-4:] if len(text) > 10 else "****"
    if rule == MaskingRule.NAME:
        return text[0] + "*" * max(len(text) - 1, 1)
    if rule == MaskingRule.PHONE:
        return text[:3] + "****" + text[-4:] if len(text) >= 11 else "****"
    if rule == MaskingRule.ADDRESS:
        return text[:6] + "****"
    if rule == MaskingRule.DATE_YEAR:
        return text[:4]
    return "****"


def mask_record(record: dict, rules: dict[str, str], *, clear: set[str] = frozenset()) -> dict:
    """Masks every field by its rule except those granted in clear text."""
    return {
        name: value if name in clear else mask(value, rules.get(name, MaskingRule.FULL))
        for name, value in record.items()
    }
