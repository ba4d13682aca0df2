from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from . import actions
from .anchors import BadAnchor, read_anchors, write_anchor
from .chain import GENESIS, _canonical, entry_hash
from .context import current_address
from .models import AuditCheck, AuditEntry, AuditHead

logger = logging.getLogger(__name__)


def audit_log(
    actor,
    obj,
    action: str,
    *,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    client_address: str | None = None,
) -> AuditEntry:
    """Append one entry. The client address is the current request's (kunqu_jiafu.audit.
    context) unless given; outside a request it is empty."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    action = actions.current(action)  # one tense: a renamed code is stored under its new name
    if client_address is None:
        client_address = current_address()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        content_type = (
            ContentType.objects.get_for_model(obj, for_concrete_model=False)
            if obj is not None
            else None
        )
        entry = AuditEntry(
            created_at=timezone.now(),
            actor=actor,
            actor_label=str(actor)[:150] if actor is not None else gettext("the system"),
            client_address=(client_address or "")[:45],
            action=action,
            content_type=content_type,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            before=_canonical(before),
            after=_canonical(after),
            reason=reason or "",
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(last_hash=entry.entry_hash, count=head.count + 1)
    return entry


@dataclass
class ChainReport:
    checked: int
    ok: bool
    problem: str = ""
    entry_id: int | None = None
    anchors: int = 0


def audit_verify() -> ChainReport:
    """Recompute the keyed chain and hold it against the anchors written outside the
    database. Detects edited, forged and removed entries, a cut tail and a rewound head."""
    try:
        anchors = read_anchors()
    except BadAnchor as bad:
        return ChainReport(
            0,
            False,
            _("anchor file %(name)s is damaged or not signed with the audit key")
            % {"name": bad.name},
        )
    anchored = {}
    for anchor in anchors:
        anchored.setdefault(anchor.count, set()).add(anchor.last_hash)
    prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return ChainReport(
                checked,
                False,
                _("chain broken: an entry before this one was removed or altered"),
                entry.pk,
                len(anchors),
            )
        if entry_hash(entry) != entry.entry_hash:
            return ChainReport(
                checked,
                False,
                _("entry content does not match its hash"),
                entry.pk,
                len(anchors),
            )
        prev = entry.entry_hash
        checked += 1
        if checked in anchored and anchored[checked] != {prev}:
            return ChainReport(
                checked,
                False,
                _("entry number %(count)s differs from the anchor written outside the database")
                % {"count": checked},
                entry.pk,
                len(anchors),
            )
    if anchors and anchors[-1].count > checked:
        return ChainReport(
            checked,
            False,
            _(
                "the log holds %(checked)s entries but an anchor written outside the database "
                "at %(at)s counted %(count)s: entries were removed"
            )
            % {"checked": checked, "at": anchors[-1].at, "count": anchors[-1].count},
            None,
            len(anchors),
        )
    head = AuditHead.objects.filter(pk=1).first()
    head_hash = head.last_hash if head else GENESIS
    head_count = head.count if head else 0
    if head_hash != prev or head_count != checked:
        return ChainReport(
            checked,
            False,
            _("the newest entries were removed (head does not match)"),
            None,
            len(anchors),
        )
    return ChainReport(checked, True, anchors=len(anchors))


def audit_anchor() -> tuple[ChainReport, str]:
    """Verify, then anchor the head outside the database. A chain that fails is not anchored
    (that would bless it): the failure is reported instead. Answers the report and the
    anchor file's path ("" when none was written)."""
    report = audit_verify()
    if not report.ok:
        return report, ""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        count, last_hash = (head.count, head.last_hash) if head else (0, GENESIS)
        try:
            path = write_anchor(count, last_hash)
        except OSError as exc:  # a full disk or a lost mount must alert, not retry silently
            problem = _("could not write the anchor to %(dir)s: %(error)s") % {
                "dir": settings.AUDIT_ANCHOR_DIR,
                "error": exc.strerror or type(exc).__name__,
            }
            return ChainReport(report.checked, False, problem, None, report.anchors), ""
    return report, str(path)


def record_check(report: ChainReport) -> AuditCheck:
    """Keep the result of a scheduled verification; on failure log an ERROR, write it into
    the audit log itself and e-mail the audit and security administrators."""
    check = AuditCheck.objects.create(
        ran_at=timezone.now(),
        ok=report.ok,
        checked=report.checked,
        anchors=report.anchors,
        entry_id=report.entry_id,
        problem=str(report.problem),
    )
    if report.ok:
        return check
    logger.error(
        "Audit log verification failed (entry %s, %s checked): %s",
        report.entry_id,
        report.checked,
        report.problem,
    )
    audit_log(
        None,
        check,
        "audit.chain.verification_failed",
        after={"entry": report.entry_id, "checked": report.checked, "problem": check.problem},
    )
    alert_administrators(check)
    return check


def alert_recipients() -> list[str]:
    """E-mail addresses of the active members of the groups named in AUDIT_ALERT_GROUPS
    (审计管理员, 安全管理员); a group that does not exist yet is skipped."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=settings.AUDIT_ALERT_GROUPS
    )
    return sorted({email for email in users.values_list("email", flat=True) if email})


def alert_administrators(check: AuditCheck) -> int:
    recipients = alert_recipients()
    if not recipients:
        logger.error("No audit or security administrator has an e-mail address to alert.")
        return 0
    subject = _("[Kunqu Jiafu] The audit log failed verification")
    body = _(
        "The scheduled verification of the audit log failed at %(at)s.\n"
        "Problem: %(problem)s\nEntry: %(entry)s; entries checked: %(checked)s.\n\n"
        "Run `manage.py audit_verify` on the server, compare with the anchor files and the "
        "backups, and follow the incident procedure in docs/operations.md."
    ) % {
        "at": timezone.localtime(check.ran_at).strftime("%Y-%m-%d %H:%M"),
        "problem": check.problem,
        "entry": check.entry_id or "-",
        "checked": check.checked,
    }
    try:
        return send_mail(subject, body, None, recipients)
    except Exception:  # noqa: BLE001 - the check is recorded and logged; mail is the extra
        logger.exception("Could not e-mail the audit verification failure.")
        return 0


def latest_check() -> AuditCheck | None:
    return AuditCheck.objects.order_by("-ran_at", "-id").first()
