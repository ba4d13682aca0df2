"""Store private uploads after checking their real type and size, and keep the documents the
bureau issues (notices, vouchers, settlement statements) once: rendered, stored, served."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER, has_role
from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.backup import last_backup_time

from .models import Document, IssuedDocument
from .sniff import EXTENSIONS, LABELS, PDF, PDF_ACTIVE, pdf_problem, sniff

logger = logging.getLogger(__name__)

# model label -> function(user, owner) -> (allowed, reason). Apps register their owners.
_VIEW_RULES: dict[str, Callable] = {}


def register_owner(model: type[models.Model], rule: Callable) -> None:
    _VIEW_RULES[model._meta.label_lower] = rule


def can_view_document(user, document: Document) -> tuple[bool, str]:
    if not user.is_authenticated:
        return False, _("Please sign in.")
    # No shortcut for superusers: a file opens by its owner's rule (evidence is personal data).
    # 统计查询 see figures and masked records, never a file (evidence, licences, notices).
    if has_role(user, OFFICIAL) and not has_role(user, REVIEWER, APPROVER, AGENCY_USER):
        return False, _("Officials see figures, not files.")
    owner = document.owner
    if owner is None:
        allowed = document.uploaded_by_id == user.pk
        return allowed, "" if allowed else _("You may not view this file.")
    rule = _VIEW_RULES.get(owner._meta.label_lower)
    if rule is None:
        return False, _("You may not view this file.")
    return rule(user, owner)


def validate_upload(upload, *, allowed: tuple[str, ...], field: str, issued: bool = False) -> str:
    """Return the sniffed content type or raise a ValidationError naming the field.
    ``issued``: a PDF the portal rendered itself, whose structure need not be inspected."""
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
    if kind == PDF and not issued:
        problem = pdf_problem(upload)
        if problem == PDF_ACTIVE:
            raise ValidationError(
                {
                    field: _(
                        "The PDF file contains scripts, attached files or actions that start "
                        "programs, which are not accepted. Print it to a new PDF (or scan the "
                        "paper) and upload that file."
                    )
                }
            )
        if problem:
            raise ValidationError(
                {
                    field: _(
                        "The PDF file is incomplete or damaged (its end or its table of contents "
                        "is missing). Save or scan it again and upload the new file."
                    )
                }
            )
    return kind


def document_store(
    upload,
    *,
    allowed: tuple[str, ...],
    field: str,
    user=None,
    owner=None,
    purpose: str = "",
    issued: bool = False,
) -> Document:
    """Store an upload (checked: type, size, a PDF's structure and active content) or, with
    ``issued``, a document the portal rendered itself (type and size only)."""
    kind = validate_upload(upload, allowed=allowed, field=field, issued=issued)
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


def document_delete(document_id: int) -> None:
    """Delete an upload's row now and its file once the transaction commits (a rollback
    keeps both)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return
    name, storage = document.file.name, document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)


def document_open(document: Document, *, user=None):
    """The stored file, open for reading; None when storage has lost it (a database restored
    without its media folder, a deleted file). The loss is logged (the storage name only: it
    carries no personal data) and recorded in the audit log, so the operator finds it."""
    try:
        return document.file.open("rb")
    except (FileNotFoundError, IsADirectoryError, ValueError):  # ValueError: no file name
        logger.warning("stored file missing: document %s, %s", document.pk, document.file.name)
        audit_log(
            user, document, "documents.document.file_missing", after={"file": document.file.name}
        )
        return None


def sweep_orphan_files(*, older_than_hours: int = 24, dry_run: bool = False) -> list[str]:
    """Delete stored upload files no Document row points to.

    ``document_store`` writes the file before its transaction commits; when that transaction
    rolls back (a refused application, a duplicate caught by a constraint) the file stays
    behind with no row. Files younger than ``older_than_hours`` are left alone: their
    transaction may still be running. Files newer than the newest backup of these files (less
    the same grace) are left alone too: a database restored from that backup does not know
    them yet, and they are what a later backup or the lost database still needs. Returns the
    storage names found (deleted unless ``dry_run``)."""
    from django.core.files.storage import default_storage

    grace = dt.timedelta(hours=older_than_hours)
    cutoff = timezone.now() - grace
    backed_up = last_backup_time()
    if backed_up is not None:
        cutoff = min(cutoff, backed_up - grace)
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


# --- issued documents: rendered once, stored, served ---------------------------------------


@dataclass(frozen=True)
class DocumentDraft:
    """What an app hands over to issue one of its documents: the template and its context,
    the stored file's name, and the facts the public check at /verify/ confirms. ``owner``
    is whose permission rule serves the stored file through documents:download (default:
    the document's subject)."""

    template: str
    context: dict
    filename: str
    kind: str
    number: str
    agency: str
    amount: Decimal | None
    issued_on: dt.date
    owner: models.Model | None = None
    purpose: str = ""


def _issued(subject: models.Model, edition: str) -> IssuedDocument | None:
    return (
        IssuedDocument.objects.select_related("document")
        .filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=str(subject.pk),
            edition=edition,
        )
        .first()
    )


def _read(document: Document) -> bytes | None:
    """The stored file's bytes, or None when storage has lost it (a database restored
    without its media folder)."""
    try:
        with document.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError):  # ValueError: a row without a file name
        return None


def _issue(
    subject: models.Model, edition: str, draft: DocumentDraft, lost: IssuedDocument | None
) -> tuple[IssuedDocument, bytes]:
    """Render the draft with its verification code and store it. ``lost`` is the record
    whose file storage no longer has: it keeps its code and edition and gets the file back."""
    from .pdf import render_pdf
    from .verification import pdf_context, verification_for

    verification = verification_for(
        subject,
        kind=draft.kind,
        number=draft.number,
        agency=draft.agency,
        amount=draft.amount,
        issued_on=draft.issued_on,
    )
    pdf = render_pdf(draft.template, {**draft.context, **pdf_context(verification)})
    try:
        with transaction.atomic():
            document = document_store(
                ContentFile(pdf, name=draft.filename),
                allowed=(PDF,),
                field="file",
                owner=draft.owner if draft.owner is not None else subject,
                purpose=draft.purpose,
                issued=True,
            )
            if lost is None:
                issued = IssuedDocument.objects.create(
                    subject_type=ContentType.objects.get_for_model(subject),
                    subject_id=str(subject.pk),
                    edition=edition,
                    verification=verification,
                    document=document,
                )
            else:
                issued = IssuedDocument.objects.select_for_update().get(pk=lost.pk)
                if issued.document_id != lost.document_id:  # restored meanwhile
                    raise IntegrityError("issued document restored by another request")
                issued.document = document
                issued.save(update_fields=["document"])
                lost.document.delete()  # the row of the file that is gone
    except IntegrityError:
        # Another request issued (or restored) this edition first: serve theirs. The file
        # this one wrote has no row now; sweep_orphan_files removes it the next night.
        issued = _issued(subject, edition)
        if issued is None:
            raise
        return issued, _read(issued.document) or pdf
    return issued, pdf


def document_issue(
    subject: models.Model, *, draft: Callable[[], DocumentDraft], edition: str = ""
) -> tuple[IssuedDocument, bytes]:
    """The issued document of ``subject`` in ``edition`` and its PDF.

    Rendered (with its verification code) and stored the first time; afterwards read from
    storage, never rendered again. ``draft`` is called only when a render is needed. When
    the record exists but its file does not (a database restored without the media
    folder), the same record gets the file back from a new render of the same edition."""
    edition = edition[: IssuedDocument._meta.get_field("edition").max_length]
    issued = _issued(subject, edition)
    if issued is not None:
        content = _read(issued.document)
        if content is not None:
            return issued, content
    return _issue(subject, edition, draft(), issued)


def issued_pdf(
    subject: models.Model, *, draft: Callable[[], DocumentDraft], edition: str = ""
) -> bytes:
    """The PDF bytes of ``document_issue``: what a download view serves."""
    return document_issue(subject, draft=draft, edition=edition)[1]
