"""Server-side validation of a case's form data against its matter version's form_schema.

The schema is a list of {"name", "label", "type", "required", "choices"?} (checked when the
guide was saved, see catalogue.guide.clean_form_schema). Types: text, number, date, choice,
id_number, phone, uscc. Errors are per field, in the reader's language.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from onetrip.accounts.validators import (
    check_citizen_id,
    check_mobile_phone,
    check_uscc,
    normalise_citizen_id,
    normalise_uscc,
)

TEXT_MAX = 500


def _clean_value(field: dict, raw: str):
    """Returns (value, error message or None)."""
    kind = field.get("type", "text")
    if kind == "text":
        if len(raw) > TEXT_MAX:
            return raw, _("At most %(n)d characters.") % {"n": TEXT_MAX}
        return raw, None
    if kind == "number":
        try:
            number = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return raw, _("Enter a number, such as 10 or 2.5.")
        if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
            return raw, _("Enter a number, such as 10 or 2.5.")
        return (int(number) if number == number.to_integral_value() else float(number)), None
    if kind == "date":
        try:
            return datetime.date.fromisoformat(raw).isoformat(), None
        except ValueError:
            return raw, _("Enter a date like 2026-05-01.")
    if kind == "choice":
        choices = field.get("choices") or []
        if raw not in choices:
            return raw, _("Choose one of: %(choices)s.") % {"choices": "、".join(choices)}
        return raw, None
    if kind == "id_number":
        value = normalise_citizen_id(raw)
        verdict = check_citizen_id(value)
        return value, None if verdict.valid else (
            verdict.reason or _("This is not a valid citizen ID number.")
        )
    if kind == "phone":
        verdict = check_mobile_phone(raw)
        return raw, None if verdict.valid else (
            verdict.reason or _("Enter an 11-digit mobile phone number.")
        )
    if kind == "uscc":
        value = normalise_uscc(raw)
        verdict = check_uscc(value)
        return value, None if verdict.valid else (
            verdict.reason or _("This is not a valid unified social credit code.")
        )
    return raw, _("This field cannot be filled in.")


def form_clean(schema: list[dict], data, *, partial: bool = False) -> tuple[dict, dict]:
    """Check `data` (a dict of field name → value) against `schema`.

    Returns (cleaned, errors): `cleaned` holds every known field as entered (normalised when
    valid), `errors` maps field names to messages. Unknown keys are dropped. With `partial`
    (saving a draft), empty required fields are not errors yet.
    """
    data = data if isinstance(data, dict) else {}
    cleaned, errors = {}, {}
    for field in schema or []:
        name = field["name"]
        value = data.get(name, "")
        raw = "" if value is None else str(value).strip()
        if not raw:
            cleaned[name] = ""
            if field.get("required", True) and not partial:
                errors[name] = _("%(label)s is required.") % {"label": field.get("label", name)}
            continue
        cleaned[name], error = _clean_value(field, raw)
        if error:
            errors[name] = error
    return cleaned, errors
