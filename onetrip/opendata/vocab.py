"""Mappings from our catalogue's values to the vocabularies open-data clients expect.

Themes (our `Dataset.themes` entries, English or Chinese) become CKAN groups and, in DCAT,
concepts of the EU data-theme authority table; update cycles become EU frequencies; the three
download formats become EU file types and IANA media types.
"""

import hashlib
import re

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"

# group name → (EU data-theme code, label, the names our catalogue may use for it)
THEMES = {
    "economy": ("ECON", _("Economy and finance"), {"经济", "经济建设", "财税金融", "市场监管"}),
    "environment": ("ENVI", _("Environment"), {"环境", "生态环境", "资源环境", "自然资源"}),
    "health": ("HEAL", _("Health"), {"卫生", "健康", "卫生健康", "医疗卫生", "医疗"}),
    "transport": ("TRAN", _("Transport"), {"交通", "交通运输", "道路交通"}),
    "education": (
        "EDUC",
        _("Education, culture and sport"),
        {"教育", "教育科技", "文化", "体育", "教育文化", "文化旅游", "culture", "sport"},
    ),
    "society": (
        "SOCI",
        _("Population and society"),
        {
            "社会",
            "民生",
            "社会保障",
            "社会民生",
            "民生服务",
            "社保就业",
            "人口",
            "population",
            "social",
            "welfare",
        },
    ),
    "government": (
        "GOVE",
        _("Government and public sector"),
        {"政府", "政务", "政务服务", "机构团体", "公共服务", "gov", "public-sector"},
    ),
    "agriculture": (
        "AGRI",
        _("Agriculture, fisheries, forestry and food"),
        {"农业", "农业农村", "农林牧渔", "食品", "food"},
    ),
    "energy": ("ENER", _("Energy"), {"能源"}),
    "science": ("TECH", _("Science and technology"), {"科技", "科学技术", "technology"}),
    "justice": (
        "JUST",
        _("Justice, legal system and public safety"),
        {"公共安全", "法律", "司法", "信用", "信用服务", "safety", "credit"},
    ),
    "regions": (
        "REGI",
        _("Regions and cities"),
        {
            "城建住房",
            "城乡建设",
            "住房",
            "地理空间",
            "空间地理",
            "城市",
            "cities",
            "housing",
            "spatial",
        },
    ),
    "international": ("INTR", _("International issues"), {"国际", "外事"}),
}
_ALIASES = {
    alias.lower(): name for name, (_code, _label, aliases) in THEMES.items() for alias in aliases
}
_ALIASES.update({name: name for name in THEMES})
_ALIASES.update({code.lower(): name for name, (code, _label, _aliases) in THEMES.items()})


def group_name(theme: str) -> str:
    """A CKAN-safe group name for one of our themes (stable; known themes get English names)."""
    key = (theme or "").strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    slug = slugify(key)
    return slug or "theme-" + hashlib.sha256(key.encode()).hexdigest()[:8]


def group_title(name: str, theme: str = "") -> str:
    if name in THEMES:
        return str(THEMES[name][1])
    return theme or name


def eu_theme(name: str) -> str:
    return EU_THEME + (THEMES[name][0] if name in THEMES else "GOVE")


FREQUENCY = {
    "realtime": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "yearly": "ANNUAL",
    "irregular": "IRREG",
}

FORMATS = {
    # format: (CKAN format label, MIME type, EU file type)
    "csv": ("CSV", "text/csv", "CSV"),
    "json": ("JSON", "application/json", "JSON"),
    "xlsx": (
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLSX",
    ),
}

_KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")


def keyword_list(keywords: str) -> list[str]:
    seen: list[str] = []
    for word in _KEYWORD_SPLIT.split(keywords or ""):
        word = word.strip()[:100]
        if word and word not in seen:
            seen.append(word)
    return seen


def dataset_slug(code: str) -> str:
    return slugify((code or "").lower()) or "dataset"


def organization_name(department_code: str) -> str:
    return slugify((department_code or "").lower()) or "org"
