"""Pieces shared by the voucher admin pages: figures, badges, action pages with their forms."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.documents.xlsx import attachment_header
from kunqu_jiafu.web.admin_kit.review import ReviewActionsMixin
from kunqu_jiafu.web.formats import figure as figure
from kunqu_jiafu.web.formats import local_time as local_time
from kunqu_jiafu.web.formats import month_label as month_label
from kunqu_jiafu.web.formats import percent_of

from .forms import ActionReasonForm

percent = percent_of  # shares on the progress pages: two places, at most 100

# Badge tones by status, per model (statuses of different models share names, e.g. "rejected").
APPLICATION_TONES = {
    "submitted": "pending",
    "approved": "warning",
    "rejected": "negative",
    "issued": "positive",
}
VOUCHER_TONES = {
    "issued": "pending",
    "redeemed": "warning",
    "verified": "positive",
    "rejected": "negative",
    "reimbursed": "positive",
    "voided": "neutral",
    "revoked": "negative",
}
SETTLEMENT_TONES = {"issued": "warning", "paid": "positive"}
BATCH_TONES = {"draft": "neutral", "open": "positive", "closed": "neutral"}


def clip(text, title=None) -> str:
    return format_html('<span class="kj-clip" title="{}">{}</span>', title or text, text)


def person_label(person, user) -> str:
    return f"{person.name}（{person.id_for(user)}）"


def message_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or gettext("You may not do this.")


def file_response(content: bytes, filename: str, content_type: str, inline: bool = False):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename, inline=inline)
    return response


class OfficialsReadOnlyMixin:
    """Officials (统计查询) hold only view permissions: a POSTed list action is refused with
    403 (Django would otherwise answer "no action selected" and let it look possible)."""

    def changelist_view(self, request, extra_context=None):
        if (
            request.method == "POST"
            and request.POST.get("action")
            and not self.has_change_permission(request)
        ):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


class VoucherActionsMixin(OfficialsReadOnlyMixin, ReviewActionsMixin):
    """The admin kit's review actions (buttons and reason pages from a transition table),
    with the voucher area's own wording, and bulk actions that go on row by row and
    report each refusal once with the rows it hit (e.g. "the batch is exhausted: 12 items")."""

    review_reason_template = "admin/vouchers/action.html"
    review_bulk_template = "admin/vouchers/action_bulk.html"
    change_form_template = "admin/vouchers/change_form.html"
    # Who reads a reason, for the form's help and message ("the household sees it").
    reason_reader = _("the household")
    # Actions whose service records no reason: their pages only ask for confirmation.
    actions_without_reason: frozenset[str] = frozenset()

    def review_form(self, request, obj, transition, data):
        return ActionReasonForm(
            data,
            reason_required=transition.needs_reason,
            reader=self.reason_reader,
            with_reason=transition.action not in self.actions_without_reason,
        )

    def review_bulk_form(self, request, data, *, action: str, needs_reason: bool):
        return ActionReasonForm(
            data,
            reason_required=needs_reason,
            reader=self.reason_reader,
            with_reason=action not in self.actions_without_reason,
        )

    def review_bulk_run(self, request, applicable, skipped, action, label, cleaned) -> None:
        """Each row is its own service call (its own transaction): one refusal stops nothing."""
        reason = cleaned.get("reason", "")
        done = 0
        failures: dict[str, list[str]] = defaultdict(list)
        for obj in applicable:
            try:
                self.review_perform(request, obj, action, reason)
            except (ValidationError, PermissionDenied) as exc:
                failures[message_of(exc)].append(str(obj))
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext(
                    "“%(action)s” done for %(count)s item.",
                    "“%(action)s” done for %(count)s items.",
                    done,
                )
                % {"action": label, "count": done},
            )
        for problem, rows in failures.items():
            shown = "、".join(rows[:10]) + ("…" if len(rows) > 10 else "")
            messages.error(
                request,
                ngettext(
                    "Not done for %(count)s item (%(rows)s): %(problem)s",
                    "Not done for %(count)s items (%(rows)s): %(problem)s",
                    len(rows),
                )
                % {"count": len(rows), "rows": shown, "problem": problem},
            )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)s item skipped: “%(action)s” does not fit its status.",
                    "%(count)s items skipped: “%(action)s” does not fit their status.",
                    len(skipped),
                )
                % {"count": len(skipped), "action": label},
            )
