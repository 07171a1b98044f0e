"""What a relying party and a browser need in the tests: read forms, wait for an SMS."""

import re
import time
from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            if attrs.get("type") not in {"submit", "button"}:
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def form_fields(html: str, *, form_id: str | None = None, has_field: str | None = None) -> dict:
    """The inputs of the page's form (the one with this id, or containing this field)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form_id and form["attrs"].get("id") != form_id:
            continue
        if has_field and has_field not in form["fields"]:
            continue
        return dict(form["fields"])
    raise AssertionError(f"no such form in the page: {form_id or has_field}")


def wait_for_sms(outbox: list, phone: str, *, timeout: float = 20.0) -> str:
    """The newest message to `phone`; in production mode a Celery worker delivers it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(outbox):
            if message.phone == phone:
                return message.text
        time.sleep(0.05)
    raise AssertionError(f"no SMS to {phone} arrived")


def sms_code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)
