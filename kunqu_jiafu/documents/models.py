import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


def _upload_to(instance, filename: str) -> str:
    # The stored name never contains the user's file name.
    return f"private/{instance.created_at:%Y/%m}/{instance.uuid.hex}{instance.extension}"


class Document(models.Model):
    """A private upload. Served only by documents.views.download after a permission check."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    owner_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.CharField(max_length=64, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("documents:download", args=[self.uuid])


class NoticeSequence(models.Model):
    """The last notice number handed out in one series and year (e.g. 昆人社家补, 2026).

    Numbers come from ``documents.numbering.next_number``, which locks this row inside the
    caller's transaction: a rolled-back approval gives its number back, so the numbers of
    the notices that exist have no gaps."""

    series = models.CharField(_("series"), max_length=50)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("notice number sequence")
        verbose_name_plural = _("notice number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"], name="documents_notice_sequence_series_year_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last_number}"


class Verification(models.Model):
    """The verification code printed on an issued document (notice, voucher, settlement
    statement) and the few facts the public page ``/verify/`` confirms for it: the
    document's kind and number, the agency, the amount and the date. Written when the
    document is rendered, from the facts the issuing app hands over (the core knows no app:
    the facts are copied here, not read upwards); nothing personal is stored."""

    code = models.CharField(_("verification code"), max_length=16, unique=True)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(_("document"), max_length=100)
    number = models.CharField(_("document number"), max_length=60)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    issued_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document verification code")
        verbose_name_plural = _("document verification codes")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="documents_verification_subject_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class IssuedDocument(models.Model):
    """A document the bureau issued (a notice, a voucher, a settlement statement), kept once:
    its PDF, rendered the first time it is needed and then served from storage, and the
    verification code printed on it.

    An edition is the state of the facts that may legitimately change while the document
    lives (the agency a household chose on its voucher, a statement's payment): each edition
    is rendered once and never again; a new edition is a new row, with the same code. The
    app that issues the document names the edition (``documents.services.document_issue``)."""

    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    edition = models.CharField(_("edition"), max_length=64, blank=True)
    verification = models.ForeignKey(
        Verification,
        verbose_name=_("verification code"),
        on_delete=models.PROTECT,
        related_name="issued",
    )
    document = models.OneToOneField(
        Document, verbose_name=_("PDF"), on_delete=models.PROTECT, related_name="issued"
    )
    created_at = models.DateTimeField(_("rendered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "edition"],
                name="documents_issued_subject_edition_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verification} {self.edition}".strip()
