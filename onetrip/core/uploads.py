"""What every upload must pass before it is stored (case materials, bundle materials, evidence
for a data objection): an allowed type, by its name and by its first bytes, and a size limit.
Error codes carry the caller's domain (`cases.upload_type`, `objections.upload_type`), so each
API keeps its own stable codes."""

import hashlib

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError

# Allowed uploads: extension → (content type, magic bytes at the start of the file).
UPLOAD_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def upload_max_bytes() -> int:
    return int(getattr(settings, "ONETRIP_CASE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def upload_check(uploaded_file, *, domain: str) -> tuple[str, str]:
    """Type (by name and by content) and size; returns (content type, sha256)."""
    name = getattr(uploaded_file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = UPLOAD_TYPES.get(extension)
    if allowed is None:
        raise DomainError(
            f"{domain}.upload_type",
            _("Only PDF, JPG and PNG files can be uploaded."),
            detail={"name": name[:200]},
            status=415,
        )
    limit = upload_max_bytes()
    if uploaded_file.size > limit:
        raise DomainError(
            f"{domain}.upload_too_large",
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            detail={"size": uploaded_file.size, "limit": limit},
            status=413,
        )
    if uploaded_file.size == 0:
        raise DomainError(f"{domain}.upload_empty", _("The file is empty."), status=400)
    content_type, magics = allowed
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    if not any(head.startswith(magic) for magic in magics):
        raise DomainError(
            f"{domain}.upload_type",
            _("The file's content does not match its type (PDF, JPG or PNG)."),
            detail={"name": name[:200]},
            status=415,
        )
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return content_type, digest.hexdigest()


def original_name(uploaded_file) -> str:
    """The file's own name without any path a browser sent along, at most 200 characters."""
    name = (getattr(uploaded_file, "name", "") or "file").replace("\\", "/").rsplit("/")[-1]
    return name[:200]


def private_file_response(body, *, filename: str, content_type=None, as_attachment=True):
    """An open file streamed to the one person allowed it: never sniffed into another type,
    never kept by a shared cache. The content type follows the name unless given."""
    from django.http import FileResponse

    response = FileResponse(
        body, content_type=content_type, as_attachment=as_attachment, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(stored):
    """A stored upload (an UploadedFile row) for download: PDFs as attachments, images inline."""
    return private_file_response(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=stored.content_type == "application/pdf",
        filename=stored.original_name,
    )
