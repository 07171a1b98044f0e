"""Third-party browser libraries are installed at set-up (`make assets`, from the npm registry)
into VAR_DIR/vendor, not committed. A page includes one only when it is there, so a machine
without it still works (statistics show their tables without charts)."""

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def vendor_script(path: str) -> str:
    if not finders.find(path):
        return ""
    return format_html('<script src="{}" defer></script>', static(path))


@register.simple_tag
def vendor_available(path: str) -> bool:
    return bool(finders.find(path))
