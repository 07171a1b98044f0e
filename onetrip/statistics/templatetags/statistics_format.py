from django import template

register = template.Library()


@register.filter
def percent(value):
    """0.8123 → "81.2%"; no value → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def dash(value):
    return "—" if value is None else value
