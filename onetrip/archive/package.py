"""The archival information package (归档信息包) of a case, and its four-property check (四性检测).

A package is a ZIP (deflated, never encrypted: readable with any tool in fifty years) of:

    form.json                    the application form: each field's label and value
    materials/NN-<name>.<ext>    every file the applicant or the clerk uploaded
    notices/<number>.pdf         each written notice as printed
    notices/<number>.seal.json   the notice's signed bytes and its e-seal
    licence/<number>.json        the e-licence's signed payload and signature, if one was issued
    process.json                 the case's history, clock stops, commitments, fees
    metadata.xml                 the record's description and every other file's SM3

A package is written once; the check reads it again from storage and asks DA/T 70's four
questions: is it what was archived (authenticity: the package's SM3, the chain, the metadata
against the record, the e-seals), is all of it there (integrity: every listed file present with
its SM3, nothing unlisted), can it still be read (usability: the ZIP, the XML, each file's format)
and is it safe (security: no encryption, no unknown compression, no path leaving the package,
stored where it belongs)."""

import base64
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from onetrip.core.sm3 import sm3_hex

NAMESPACE = "urn:onetrip:archive:package:1"
METADATA = "metadata.xml"
PACKAGE_VERSION = "1"

# Categories of the files in a package (metadata.xml `category`), as an archivist names them.
CATEGORIES = {
    "form": _("Application form"),  # 申请表
    "material": _("Application material"),  # 申请材料
    "notice": _("Written notice"),  # 文书
    "seal": _("E-seal of a notice"),  # 文书电子印章
    "licence": _("E-licence"),  # 电子证照
    "process": _("Handling record"),  # 办理过程记录
}

# What each finding of the check means; stored as codes, shown in the reader's language.
PROPERTIES = {
    "authenticity": _("Authenticity"),  # 真实性
    "integrity": _("Integrity"),  # 完整性
    "usability": _("Usability"),  # 可用性
    "security": _("Security"),  # 安全性
}
FINDINGS = {
    "archive.package_missing": ("integrity", _("The package file is missing from storage.")),
    "archive.package_hash": (
        "authenticity",
        _("The package's SM3 differs from the one recorded when it was archived."),
    ),
    "archive.chain_link": (
        "authenticity",
        _("The record's chain link does not follow from its predecessor and its package."),
    ),
    "archive.chain_gap": ("authenticity", _("The record archived before this one is missing.")),
    "archive.metadata_mismatch": (
        "authenticity",
        _("The package's metadata does not describe this record."),
    ),
    "archive.seal_invalid": (
        "authenticity",
        _("A signature in the package does not verify with its department's key."),
    ),
    "archive.file_missing": (
        "integrity",
        _("A file listed in the metadata is not in the package."),
    ),
    "archive.file_hash": ("integrity", _("A file's SM3 differs from the one in the metadata.")),
    "archive.file_extra": ("integrity", _("The package holds a file the metadata does not list.")),
    "archive.file_count": ("integrity", _("The number of files differs from the record's.")),
    "archive.package_unreadable": ("usability", _("The package cannot be opened as a ZIP file.")),
    "archive.metadata_unreadable": ("usability", _("metadata.xml is missing or not valid XML.")),
    "archive.file_format": ("usability", _("A file's content does not match its format.")),
    "archive.encrypted": ("security", _("The package holds an encrypted entry.")),
    "archive.compression": ("security", _("The package uses a compression method not allowed.")),
    "archive.entry_name": ("security", _("An entry's name leaves the package (absolute or ..).")),
    "archive.location": ("security", _("The package is not stored under the archive folder.")),
}

_MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
XML_ERRORS = (ElementTree.ParseError, DefusedXmlException)
_ALLOWED_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def finding(code: str, file: str = "") -> dict:
    return {"property": FINDINGS[code][0], "code": code, "file": file}


def finding_message(code: str) -> str:
    return str(FINDINGS.get(code, ("", code))[1])


@dataclass
class PackageFile:
    path: str
    category: str
    title: str
    data: bytes

    @property
    def format(self) -> str:
        return PurePosixPath(self.path).suffix.lstrip(".").lower()


@dataclass
class PackageContent:
    """What goes into a package: the record's description and its files."""

    description: dict
    files: list[PackageFile] = field(default_factory=list)

    def add(self, path: str, category: str, title: str, data: bytes) -> None:
        self.files.append(PackageFile(path, category, title, data))

    def add_json(self, path: str, category: str, title: str, value) -> None:
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        self.add(path, category, title, text.encode())


def safe_name(text: str) -> str:
    """A file name part that every system can store: no separators or control characters."""
    return _UNSAFE_NAME.sub("_", text).strip(" .")[:60] or "file"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- writing ---------------------------------------------------------------------------------


def metadata_xml(content: PackageContent) -> bytes:
    root = ElementTree.Element("package", {"xmlns": NAMESPACE, "version": PACKAGE_VERSION})
    record = ElementTree.SubElement(root, "record")
    for name, value in content.description.items():
        element = ElementTree.SubElement(record, name)
        if isinstance(value, dict):
            value = dict(value)
            text = value.pop("text", "")
            element.attrib.update({key: str(item) for key, item in value.items()})
            element.text = str(text)
        else:
            element.text = "" if value is None else str(value)
    files = ElementTree.SubElement(root, "files", {"count": str(len(content.files))})
    for item in content.files:
        ElementTree.SubElement(
            files,
            "file",
            {
                "path": item.path,
                "category": item.category,
                "title": item.title,
                "format": item.format,
                "size": str(len(item.data)),
                "sm3": sm3_hex(item.data),
            },
        )
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def zip_bytes(content: PackageContent, *, when) -> bytes:
    """The package: the files in order, metadata.xml last; entries dated `when` (local time)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in [(f.path, f.data) for f in content.files] + [
            (METADATA, metadata_xml(content))
        ]:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


# --- reading and checking --------------------------------------------------------------------


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def read_metadata(data: bytes) -> tuple[dict, list[dict]]:
    """metadata.xml as (record fields, listed files); raises ElementTree.ParseError."""
    root = SafeElementTree.fromstring(data)
    record = root.find(_tag("record"))
    fields = {}
    for element in record if record is not None else []:
        fields[element.tag.removeprefix(f"{{{NAMESPACE}}}")] = (element.text or "").strip()
    listed = [dict(element.attrib) for element in root.iter(_tag("file"))]
    return fields, listed


def _format_ok(name: str, data: bytes) -> bool:
    extension = PurePosixPath(name).suffix.lstrip(".").lower()
    if extension == "json":
        try:
            json.loads(data)
        except ValueError:
            return False
        return True
    magics = _MAGIC.get(extension)
    return magics is None or any(data.startswith(magic) for magic in magics)


def _security(archive: zipfile.ZipFile) -> list[dict]:
    found = []
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        if info.filename.startswith(("/", "\\")) or ".." in path.parts or ":" in info.filename:
            found.append(finding("archive.entry_name", info.filename))
        if info.flag_bits & 0x1:
            found.append(finding("archive.encrypted", info.filename))
        if info.compress_type not in _ALLOWED_COMPRESSION:
            found.append(finding("archive.compression", info.filename))
    return found


def check_contents(data: bytes, *, expect: dict, verify_seal) -> list[dict]:
    """The package's own findings (everything but the stored hash and the chain, which the
    caller checks against the database). `expect`: the record's `code`, `source_ref`,
    `file_count`. `verify_seal(key_id, payload, signature) -> bool`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        return [finding("archive.package_unreadable")]
    found = _security(archive)
    if any(item["code"] in {"archive.entry_name", "archive.encrypted"} for item in found):
        return found  # do not open entries that are unsafe
    try:
        fields, listed = read_metadata(archive.read(METADATA))
    except (KeyError, *XML_ERRORS):
        return [*found, finding("archive.metadata_unreadable")]
    if (
        fields.get("archiveCode") != expect["code"]
        or fields.get("caseNumber") != expect["source_ref"]
    ):
        found.append(finding("archive.metadata_mismatch"))
    if len(listed) != expect["file_count"]:
        found.append(finding("archive.file_count"))
    for item in listed:
        path = item.get("path", "")
        if path not in names:
            found.append(finding("archive.file_missing", path))
            continue
        content = archive.read(path)
        if sm3_hex(content) != item.get("sm3"):
            found.append(finding("archive.file_hash", path))
        if not _format_ok(path, content):
            found.append(finding("archive.file_format", path))
        elif item.get("category") in {"seal", "licence"} and not _seal_ok(content, verify_seal):
            found.append(finding("archive.seal_invalid", path))
    for extra in sorted(names - {item.get("path") for item in listed} - {METADATA}):
        found.append(finding("archive.file_extra", extra))
    return found


def _seal_ok(content: bytes, verify_seal) -> bool:
    try:
        seal = json.loads(content)
        payload = base64.b64decode(seal["signed_bytes"], validate=True)
        signature = base64.b64decode(seal["signature"], validate=True)
    except (ValueError, KeyError, TypeError):
        return False
    return bool(seal.get("key_id")) and verify_seal(seal["key_id"], payload, signature)


def chain_link(previous_sm3: str, code: str, package_sm3: str) -> str:
    return sm3_hex(f"{previous_sm3}|{code}|{package_sm3}".encode())
