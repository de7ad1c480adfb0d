"""Upload validation shared by every model that stores a file."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Extension -> the bytes a real file of that kind starts with. Office formats are zip files.
UPLOAD_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "csv": (),
    "txt": (),
    "zip": (b"PK\x03\x04",),
}
ALLOWED_UPLOAD_EXTENSIONS = tuple(UPLOAD_SIGNATURES)
# Extension -> the media type a download is sent with (and an IATI document-link's format).
UPLOAD_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "csv": "text/csv",
    "txt": "text/plain",
    "zip": "application/zip",
}


def validate_upload(file) -> None:
    """Refuse files that are too big, of a kind we do not publish, or not what they claim."""
    extension = Path(file.name).suffix.lower().lstrip(".")
    if extension not in UPLOAD_SIGNATURES:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s."),
            code="invalid_extension",
            params={"ext": extension or "?", "allowed": ", ".join(ALLOWED_UPLOAD_EXTENSIONS)},
        )
    if getattr(file, "_committed", False):
        return  # already stored: it was checked when it was uploaded
    if file.size is not None and file.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("The file is %(size)d MB; the limit is %(limit)d MB."),
            code="file_too_large",
            params={
                "size": file.size // (1024 * 1024),
                "limit": settings.MAX_UPLOAD_SIZE // (1024 * 1024),
            },
        )
    signatures = UPLOAD_SIGNATURES[extension]
    if signatures:
        position = file.tell() if hasattr(file, "tell") else 0
        file.seek(0)
        head = file.read(8)
        file.seek(position)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError(
                _("The file does not look like a %(ext)s file."),
                code="invalid_content",
                params={"ext": extension.upper()},
            )
