"""The Simplified Chinese catalogue: complete, placeholder-safe, compiled, and actually served.

zh-hans is the default language, so an untranslated message id shows English to everyone.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s / %(n)d / %s / %d, and str.format's {name} / {0} / {}; %% is a literal percent.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%[sdifrx]|\{[^{}\s]*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


def live(po):
    return [e for e in po if not e.obsolete]


def translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def test_header_declares_chinese_with_one_plural_form(po):
    assert po.metadata["Language"] == "zh_Hans"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy


def test_every_message_is_translated_and_none_is_fuzzy(po):
    entries = live(po)
    assert len(entries) > 100  # the catalogue is the project's, not an empty stub
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in entries if not all(s.strip() for s in translations(e))]
    plural_shape = [e.msgid for e in entries if e.msgid_plural and set(e.msgstr_plural) != {0}]
    assert fuzzy == []
    assert untranslated == []
    assert plural_shape == [], "Chinese has one plural form: msgstr[0] only"


def test_placeholders_in_translations_match_the_message_ids(po):
    wrong = []
    for entry in live(po):
        # With one plural form, msgstr[0] stands for every count, so it follows msgid_plural.
        expected = placeholders(entry.msgid_plural or entry.msgid)
        for text in translations(entry):
            if placeholders(text) != expected:
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_committed_mo_matches_the_po(po, tmp_path):
    def pairs(catalogue):
        found = set()
        for e in catalogue:
            if e.obsolete or "fuzzy" in e.flags:
                continue
            found.add((e.msgctxt, e.msgid, e.msgid_plural, tuple(translations(e))))
        return found

    compiled = tmp_path / "django.mo"
    compiled.write_bytes(po.to_binary())
    expected = pairs(polib.mofile(str(compiled)))
    assert expected == pairs(live(po))
    committed = pairs(polib.mofile(str(MO_PATH)))
    assert committed == expected, "run: manage.py compilemessages --ignore=.venv, commit the .mo"


def test_default_language_answers_validation_in_chinese(client, db):
    body = client.get("/api/v1/validate/citizen-id/123").json()
    assert body["valid"] is False
    assert CJK.search(body["reason"]), body


def test_default_language_answers_an_anonymous_api_call_in_chinese(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert CJK.search(response.json()["message"]), response.json()


def test_english_is_still_there_for_those_who_choose_it(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the language switch sets
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["message"] == "Please sign in first."
