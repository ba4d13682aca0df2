"""Approval and rejection notices: numbered when the decision is taken, rendered to PDF by the
``subsidies.tasks.render_notice`` task after the decision commits (queued by name: the task
module imports this one, never the other way)."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.documents.sniff import PDF
from kunqu_jiafu.queue import queue_on_commit

from ..models import Claim, Notice
from .base import require_bureau

RENDER_TASK = "subsidies.tasks.render_notice"
NOTICE_SERIES = {
    Notice.Kind.APPROVAL: ("subsidy-approval", "昆人社家补"),
    Notice.Kind.REJECTION: ("subsidy-rejection", "昆人社家补不"),
}


def notice_issue(claim: Claim, kind: str, *, amount: Decimal | None, reason: str) -> Notice:
    from kunqu_jiafu.documents.numbering import format_notice_number, next_number

    series, prefix = NOTICE_SERIES[kind]
    year = timezone.localdate().year
    sequence = next_number(series, year)
    notice = Notice.objects.create(
        claim=claim,
        kind=kind,
        year=year,
        sequence=sequence,
        number=format_notice_number(prefix, year, sequence),
        amount=amount,
        reason=reason,
        issued_on=timezone.localdate(),
    )
    # The decision is committed whatever happens to the broker; the sweep queues it again.
    queue_on_commit(RENDER_TASK, notice.pk, only_if_missing=True)
    return notice


def notice_render(notice_id: int, *, only_if_missing: bool = False) -> Notice:
    """Render (or re-render) a notice's PDF. Idempotent: the number never changes. With
    ``only_if_missing`` a PDF stored meanwhile is kept: checked again under the row lock, so two
    sweeps (or a redelivered task and a sweep) store one document, not two."""
    from kunqu_jiafu.documents.money import amount_in_capitals, format_yuan
    from kunqu_jiafu.documents.pdf import render_pdf
    from kunqu_jiafu.documents.verification import pdf_context, verification_for

    notice = Notice.objects.select_related(
        "claim",
        "claim__agency",
        "claim__claim_type",
        "claim__first_reviewed_by",
        "claim__decided_by",
    ).get(pk=notice_id)
    template = f"subsidies/notice_{notice.kind}.html"
    context = {
        "title": notice.get_kind_display(),
        "notice_number": notice.number,
        "addressee": notice.claim.agency.name,
        "issue_date": notice.issued_on,
        "notice": notice,
        "claim": notice.claim,
        "agency": notice.claim.agency,
        "amount_figures": format_yuan(notice.amount) if notice.amount is not None else "",
        "amount_capitals": amount_in_capitals(notice.amount) if notice.amount is not None else "",
    }
    verification = verification_for(
        notice,
        kind=str(notice.get_kind_display()),
        number=notice.number,
        agency=notice.claim.agency.name,
        amount=notice.amount,
        issued_on=notice.issued_on,
    )
    context.update(pdf_context(verification))
    pdf = render_pdf(template, context)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if only_if_missing and notice.document_id:
            return notice
        upload = ContentFile(pdf, name=f"{notice.number}.pdf")
        document = document_store(
            upload,
            allowed=(PDF,),
            field="file",
            owner=notice.claim,
            purpose=notice.kind,
            issued=True,
        )
        notice.document = document
        notice.rendered_at = timezone.now()
        notice.render_failed_at = None
        notice.render_error = ""
        notice.save(update_fields=["document", "rendered_at", "render_failed_at", "render_error"])
    return notice


def notice_render_failed(notice_id: int, *, error: str, attempts: int) -> None:
    """The render task gave up: note it on the notice for staff (no sweep retries it)."""
    Notice.objects.filter(pk=notice_id, document__isnull=True).update(
        render_failed_at=timezone.now(), render_error=error, render_attempts=attempts
    )


def notice_regenerate(*, actor: User, notice: Notice) -> None:
    """Queue a fresh PDF of a notice; its number and contents stay as issued."""
    require_bureau(actor, _("Only bureau staff regenerate notices."))

    with transaction.atomic():
        audit.log(
            actor,
            notice.claim,
            "subsidies.notice.regenerate",
            after={"notice": notice.number},
        )
        Notice.objects.filter(pk=notice.pk).update(render_failed_at=None, render_error="")
        queue_on_commit(RENDER_TASK, notice.pk)
