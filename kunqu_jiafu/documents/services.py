"""Store private uploads after checking their real type and size."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Document
from .sniff import EXTENSIONS, LABELS, sniff

# model label -> function(user, owner) -> (allowed, reason). Apps register their owners.
_VIEW_RULES: dict[str, Callable] = {}


def register_owner(model: type[models.Model], rule: Callable) -> None:
    _VIEW_RULES[model._meta.label_lower] = rule


def can_view_document(user, document: Document) -> tuple[bool, str]:
    if not user.is_authenticated:
        return False, _("Please sign in.")
    if user.is_superuser:
        return True, ""
    owner = document.owner
    if owner is None:
        allowed = document.uploaded_by_id == user.pk
        return allowed, "" if allowed else _("You may not view this file.")
    rule = _VIEW_RULES.get(owner._meta.label_lower)
    if rule is None:
        return False, _("You may not view this file.")
    return rule(user, owner)


def validate_upload(upload, *, allowed: tuple[str, ...], field: str) -> str:
    """Return the sniffed content type or raise a ValidationError naming the field."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                field: _(
                    "The file is %(size).1f MB; the limit is %(limit).0f MB. Please upload a smaller file."
                )
                % {"size": upload.size / 1048576, "limit": limit / 1048576}
            }
        )
    if upload.size == 0:
        raise ValidationError({field: _("The file is empty. Please choose the file again.")})
    kind = sniff(upload)
    if kind not in allowed:
        raise ValidationError(
            {
                field: _(
                    "The file is not a %(types)s file (its content was checked, not its name). "
                    "Please upload one of: %(types)s."
                )
                % {"types": "、".join(LABELS[a] for a in allowed)}
            }
        )
    return kind


def document_store(
    upload, *, allowed: tuple[str, ...], field: str, user=None, owner=None, purpose: str = ""
) -> Document:
    kind = validate_upload(upload, allowed=allowed, field=field)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        original_name=(upload.name or "file")[:255],
        content_type=kind,
        extension=EXTENSIONS[kind],
        size=upload.size,
        sha256=digest.hexdigest(),
        purpose=purpose,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        created_at=timezone.now(),
    )
    if owner is not None:
        document.owner_type = ContentType.objects.get_for_model(owner)
        document.owner_id = str(owner.pk)
    document.file.save(document.original_name, upload, save=False)
    document.save()
    return document


def document_attach(document: Document, owner) -> None:
    document.owner_type = ContentType.objects.get_for_model(owner)
    document.owner_id = str(owner.pk)
    document.save(update_fields=["owner_type", "owner_id"])


def sweep_orphan_files(*, older_than_hours: int = 24, dry_run: bool = False) -> list[str]:
    """Delete stored upload files no Document row points to.

    ``document_store`` writes the file before its transaction commits; when that transaction
    rolls back (a refused application, a duplicate caught by a constraint) the file stays
    behind with no row. Files younger than ``older_than_hours`` are left alone: their
    transaction may still be running. Returns the storage names found (deleted unless
    ``dry_run``)."""
    import datetime as dt

    from django.core.files.storage import default_storage

    cutoff = timezone.now() - dt.timedelta(hours=older_than_hours)
    known = set(Document.objects.values_list("file", flat=True))
    orphans: list[str] = []

    def walk(folder: str) -> None:
        directories, files = default_storage.listdir(folder)
        for name in files:
            path = f"{folder}/{name}"
            if path not in known and default_storage.get_modified_time(path) < cutoff:
                orphans.append(path)
        for directory in directories:
            walk(f"{folder}/{directory}")

    if default_storage.exists("private"):
        walk("private")
    if not dry_run:
        for path in orphans:
            default_storage.delete(path)
    return sorted(orphans)
